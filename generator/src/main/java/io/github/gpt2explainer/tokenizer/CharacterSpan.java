package io.github.gpt2explainer.tokenizer;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A run of consecutive partial tokens that together spell whole characters, e.g. the tokens {@code <E4><BD>}
 * and {@code <A0>} that jointly form "你". Lets the UI show {@code "<E4><BD> + <A0> = 你"}.
 *
 * @param firstPiece    index of the first token of the run in the piece list
 * @param endPiece      index one past the last token of the run
 * @param pieceDisplays the {@link TokenPiece#display()} of each token in the run
 * @param bytes         the concatenated bytes of the run
 * @param text          the run's bytes as text; bytes still not forming a character (the sequence ended mid
 *                      character) appear as {@code <XX>}
 * @param complete      true if the run's bytes are well-formed UTF-8, false if some character stays unfinished
 */
public record CharacterSpan(
        int firstPiece, int endPiece, List<String> pieceDisplays, byte[] bytes, String text, boolean complete) {

    public CharacterSpan {
        pieceDisplays = List.copyOf(pieceDisplays);
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** True if token {@code pieceIndex} belongs to this run. */
    public boolean covers(int pieceIndex) {
        return pieceIndex >= firstPiece && pieceIndex < endPiece;
    }

    /** E.g. {@code "<E4><BD> + <A0> = 你"}. */
    public String equation() {
        return String.join(" + ", pieceDisplays) + " = " + text;
    }

    /**
     * Every run of partial pieces, in order. Pieces are joined when a character's bytes straddle the boundary
     * between them; a partial piece whose bytes join no neighbour (the text ends mid character) forms a run of
     * its own with {@code complete == false}. Pieces that are not partial are in no run.
     */
    public static List<CharacterSpan> of(List<TokenPiece> pieces) {
        boolean[] joinedToNext = markCharactersStraddlingPieces(pieces);
        List<CharacterSpan> spans = new ArrayList<>();
        int start = 0;
        while (start < pieces.size()) {
            int end = start + 1;
            while (joinedToNext[end - 1]) {
                end++;
            }
            if (end - start > 1 || pieces.get(start).partial()) {
                spans.add(span(pieces, start, end));
            }
            start = end;
        }
        return spans;
    }

    /** joinedToNext[p] is true when some character has bytes in both piece p and piece p + 1. */
    private static boolean[] markCharactersStraddlingPieces(List<TokenPiece> pieces) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Integer> ownerOfByte = new ArrayList<>();
        for (int p = 0; p < pieces.size(); p++) {
            byte[] bytes = pieces.get(p).bytes();
            all.writeBytes(bytes);
            for (int k = 0; k < bytes.length; k++) {
                ownerOfByte.add(p);
            }
        }
        byte[] stream = all.toByteArray();
        boolean[] joinedToNext = new boolean[pieces.size() + 1];
        int i = 0;
        while (i < stream.length) {
            int length = Math.max(1, Utf8Display.wellFormedLength(stream, i, stream.length));
            int firstOwner = ownerOfByte.get(i);
            int lastOwner = ownerOfByte.get(i + length - 1);
            for (int p = firstOwner; p < lastOwner; p++) {
                joinedToNext[p] = true;
            }
            i += length;
        }
        return joinedToNext;
    }

    private static CharacterSpan span(List<TokenPiece> pieces, int start, int end) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> displays = new ArrayList<>();
        for (TokenPiece piece : pieces.subList(start, end)) {
            bytes.writeBytes(piece.bytes());
            displays.add(piece.display());
        }
        byte[] joined = bytes.toByteArray();
        return new CharacterSpan(
                start, end, displays, joined, Utf8Display.display(joined), Utf8Display.isWellFormed(joined));
    }
}
