package io.github.gpt2explainer.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file, read by hand and validated before anything in it is trusted.
 *
 * <p>Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}}, then the data
 * region, to which the offsets are relative. Tensor data is memory-mapped read-only: once for the whole
 * data region when it is under 2 GiB, otherwise one mapping per tensor, so files beyond 2 GiB work as long
 * as each tensor is under 2 GiB. F32 tensors come back as views of the mapping; F16/BF16 are widened into
 * direct (off-heap) buffers. Every problem is a {@link CheckpointException} naming the file.
 *
 * <p>Buffers handed out stay valid after {@link #close()}; close only releases the file handle.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Same cap as the Python library: a header above this is treated as hostile. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final Set<String> ENTRY_KEYS = Set.of("dtype", "shape", "data_offsets");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final long dataLength;
    private final Map<String, SafetensorsEntry> entries; // header order
    private final Map<String, String> metadata;
    private MappedByteBuffer wholeDataRegion; // mapped lazily when the region fits one mapping
    private boolean closed;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, long dataLength,
                            Map<String, SafetensorsEntry> entries, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.dataLength = dataLength;
        this.entries = Collections.unmodifiableMap(entries);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Opens and validates the header; tensor data is only mapped when asked for. */
    public static SafetensorsFile open(Path path) {
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            // A directory, FIFO or device: opening a FIFO would block forever.
            throw new CheckpointException(path + ": expected a regular file, found a directory or special file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path + ": file not found");
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot open for reading: " + e);
        }
        try {
            return readHeader(path, channel);
        } catch (OutOfMemoryError oom) {
            closeQuietly(channel);
            throw new CheckpointException(path + ": not enough memory to parse the header: " + oom.getMessage());
        } catch (RuntimeException | Error e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static SafetensorsFile readHeader(Path path, FileChannel channel) {
        long fileSize;
        try {
            fileSize = channel.size();
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot read file size: " + e);
        }
        if (fileSize < 8) {
            throw new CheckpointException(path + ": expected at least 8 bytes (the header length), found a file of "
                    + fileSize + " bytes; not a safetensors file");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(path, channel, lengthBytes, 0);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointException(path + ": header length is " + Long.toUnsignedString(headerLength)
                    + " bytes, expected at most " + MAX_HEADER_BYTES + "; not a safetensors file or corrupt");
        }
        if (headerLength > fileSize - 8) {
            throw new CheckpointException(path + ": header length is " + headerLength + " bytes but the file has only "
                    + (fileSize - 8) + " bytes after the length field; file truncated or not safetensors");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(path, channel, headerBytes, 8);
        long dataStart = 8 + headerLength;
        long dataLength = fileSize - dataStart;
        HeaderParser parser = new HeaderParser(path, dataLength);
        parser.parse(headerBytes.array());
        return new SafetensorsFile(path, channel, dataStart, dataLength, parser.entries, parser.metadata);
    }

    private static void readFully(Path path, FileChannel channel, ByteBuffer target, long position) {
        try {
            long at = position;
            while (target.hasRemaining()) {
                int n = channel.read(target, at);
                if (n < 0) {
                    throw new CheckpointException(path + ": file ended while reading the header");
                }
                at += n;
            }
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot read header: " + e);
        }
    }

    public Path path() {
        return path;
    }

    /** Entries in header order. */
    public List<SafetensorsEntry> entries() {
        return List.copyOf(entries.values());
    }

    public Set<String> names() {
        return entries.keySet();
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    public SafetensorsEntry entry(String name) {
        SafetensorsEntry e = entries.get(name);
        if (e == null) {
            throw new CheckpointException(path + ": tensor '" + name + "' not found; the file has "
                    + entries.size() + " tensors" + sample(entries.keySet()));
        }
        return e;
    }

    /** The {@code __metadata__} map, empty when absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Size of the data region in bytes (file size minus 8 minus header length). */
    public long dataLength() {
        return dataLength;
    }

    /**
     * The tensor as floats: F32 is a little-endian view of the mapping (no copy), F16/BF16 are widened into
     * a direct buffer. Any other dtype is an error.
     */
    public FloatBuffer floats(String name) {
        SafetensorsEntry e = entry(name);
        if (!e.dtype().isFloatReadable()) {
            throw new CheckpointException(path + ": unsupported dtype " + e.dtype() + " for tensor '" + name
                    + "', expected F32/F16/BF16");
        }
        ByteBuffer raw = bytes(name);
        return switch (e.dtype()) {
            case F32 -> raw.asFloatBuffer();
            case F16, BF16 -> widen(e, raw.asShortBuffer());
            default -> throw new IllegalStateException("unreachable: " + e.dtype());
        };
    }

    /**
     * The tensor as a {@link StoredTensor} under the given (canonical) name: its place in the file, read only
     * when the engine asks (see {@link StoredTensor#copyTo}). F32, F16 and BF16 only.
     */
    public StoredTensor stored(String name, String canonicalName) {
        return new StoredTensor(canonicalName, path, entry(name), dataStart);
    }

    /** The tensor as a {@link FloatTensor} under the given (canonical) name. */
    public FloatTensor floatTensor(String name, String canonicalName) {
        return new FloatTensor(canonicalName, entry(name).shape(), floats(name));
    }

    /** An I64 tensor as a little-endian view of the mapping. */
    public LongBuffer longs(String name) {
        SafetensorsEntry e = entry(name);
        if (e.dtype() != SafetensorsDtype.I64) {
            throw new CheckpointException(path + ": tensor '" + name + "' has dtype " + e.dtype() + ", expected I64");
        }
        return bytes(name).asLongBuffer();
    }

    /** The tensor's raw bytes: a read-only little-endian slice of the mapping. */
    public ByteBuffer bytes(String name) {
        SafetensorsEntry e = entry(name);
        if (e.byteLength() > Integer.MAX_VALUE) {
            throw new CheckpointException(path + ": tensor '" + name + "' is " + e.byteLength()
                    + " bytes; a single tensor of 2 GiB or more cannot be memory-mapped");
        }
        ByteBuffer region;
        if (dataLength <= Integer.MAX_VALUE) {
            region = wholeDataRegion().slice((int) e.begin(), (int) e.byteLength());
        } else {
            region = map(dataStart + e.begin(), e.byteLength(), name);
        }
        return region.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private synchronized MappedByteBuffer wholeDataRegion() {
        if (wholeDataRegion == null) {
            wholeDataRegion = map(dataStart, dataLength, "(data region)");
        }
        return wholeDataRegion;
    }

    private synchronized MappedByteBuffer map(long position, long size, String what) {
        if (closed) {
            throw new CheckpointException(path + ": file already closed; cannot read tensor '" + what + "'");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, position, size);
        } catch (IOException | OutOfMemoryError e) {
            throw new CheckpointException(path + ": cannot memory-map " + size + " bytes at offset " + position
                    + " for tensor '" + what + "': " + e);
        }
    }

    /** F16/BF16 elements widened to F32 in a direct little-endian buffer. */
    private FloatBuffer widen(SafetensorsEntry e, ShortBuffer halves) {
        long floatBytes = e.elementCount() * 4L;
        if (floatBytes > Integer.MAX_VALUE) {
            throw new CheckpointException(path + ": tensor '" + e.name() + "' has " + e.elementCount()
                    + " elements; widened to F32 that is " + floatBytes + " bytes, more than one 2 GiB buffer holds");
        }
        ByteBuffer target;
        try {
            target = ByteBuffer.allocateDirect((int) floatBytes).order(ByteOrder.LITTLE_ENDIAN);
        } catch (OutOfMemoryError oom) {
            throw new CheckpointException(path + ": not enough direct memory to widen tensor '" + e.name()
                    + "' to F32 (" + floatBytes + " bytes); raise -XX:MaxDirectMemorySize");
        }
        FloatBuffer out = target.asFloatBuffer();
        boolean half = e.dtype() == SafetensorsDtype.F16;
        while (halves.hasRemaining()) {
            short s = halves.get();
            out.put(half ? HalfFloat.halfToFloat(s) : HalfFloat.bfloat16ToFloat(s));
        }
        return out.flip();
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the file was only read
        }
    }

    static String sample(Set<String> names) {
        if (names.isEmpty()) {
            return "";
        }
        List<String> first = names.stream().limit(5).toList();
        return " (" + String.join(", ", first) + (names.size() > 5 ? ", ..." : "") + ")";
    }

    /** Turns the header JSON into validated entries; every rule failure names the file and the tensor. */
    private static final class HeaderParser {
        private final Path path;
        private final long dataLength;
        final Map<String, SafetensorsEntry> entries = new LinkedHashMap<>();
        final Map<String, String> metadata = new LinkedHashMap<>();

        HeaderParser(Path path, long dataLength) {
            this.path = path;
            this.dataLength = dataLength;
        }

        void parse(byte[] header) {
            JsonNode root;
            try {
                root = JSON.readTree(header);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                var at = e.getLocation();
                throw new CheckpointException(path + ": header is not valid UTF-8 JSON: " + firstLine(e.getOriginalMessage())
                        + (at == null || at.getByteOffset() < 0 ? "" : " (at header byte " + at.getByteOffset() + ")"));
            } catch (IOException e) {
                throw new CheckpointException(path + ": header is not valid UTF-8 JSON: " + firstLine(e.getMessage()));
            }
            if (root == null || !root.isObject()) {
                throw new CheckpointException(path + ": header must be a JSON object, found "
                        + (root == null || root.isMissingNode() ? "nothing" : describe(root)));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals(METADATA_KEY)) {
                    readMetadata(field.getValue());
                } else {
                    entries.put(field.getKey(), readEntry(field.getKey(), field.getValue()));
                }
            }
            checkNoOverlap();
        }

        private void readMetadata(JsonNode node) {
            if (node.isNull()) {
                return;
            }
            if (!node.isObject()) {
                throw new CheckpointException(path + ": " + METADATA_KEY + " must be an object of strings, found "
                        + describe(node));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getValue().isTextual()) {
                    throw new CheckpointException(path + ": " + METADATA_KEY + " value for '" + field.getKey()
                            + "' must be a string, found " + describe(field.getValue()));
                }
                metadata.put(field.getKey(), field.getValue().textValue());
            }
        }

        private SafetensorsEntry readEntry(String name, JsonNode node) {
            String where = path + ": tensor '" + name + "'";
            if (!node.isObject()) {
                throw new CheckpointException(where + ": expected an object {dtype, shape, data_offsets}, found "
                        + describe(node));
            }
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            if (!Set.copyOf(keys).equals(ENTRY_KEYS)) {
                throw new CheckpointException(where + ": expected exactly the keys [data_offsets, dtype, shape], found "
                        + keys.stream().sorted().toList());
            }
            JsonNode dtypeNode = node.get("dtype");
            if (!dtypeNode.isTextual()) {
                throw new CheckpointException(where + ": dtype must be a string, found " + describe(dtypeNode));
            }
            SafetensorsDtype dtype = SafetensorsDtype.fromHeaderName(dtypeNode.textValue())
                    .orElseThrow(() -> new CheckpointException(where + ": unknown dtype \"" + dtypeNode.textValue()
                            + "\", expected one of " + Arrays.toString(SafetensorsDtype.values())));
            long[] shape = nonNegativeLongs(where, "shape", node.get("shape"), -1);
            long[] offsets = nonNegativeLongs(where, "data_offsets", node.get("data_offsets"), 2);
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end) {
                throw new CheckpointException(where + ": data_offsets begin " + begin + " is after end " + end);
            }
            if (end > dataLength) {
                throw new CheckpointException(where + ": data_offsets [" + begin + ", " + end
                        + "] reach past the data region of " + dataLength + " bytes; file truncated or corrupt");
            }
            long expectedBytes;
            try {
                expectedBytes = Math.multiplyExact(FloatTensor.elementCount(shape), (long) dtype.byteSize());
            } catch (ArithmeticException overflow) {
                throw new CheckpointException(where + ": shape " + Arrays.toString(shape) + " of " + dtype
                        + " overflows a 64-bit byte count");
            }
            if (expectedBytes != end - begin) {
                throw new CheckpointException(where + ": shape " + Arrays.toString(shape) + " of " + dtype
                        + " needs " + expectedBytes + " bytes, but data_offsets [" + begin + ", " + end + "] span "
                        + (end - begin));
            }
            return new SafetensorsEntry(name, dtype, shape, begin, end);
        }

        private long[] nonNegativeLongs(String where, String key, JsonNode node, int requiredLength) {
            if (!node.isArray()) {
                throw new CheckpointException(where + ": " + key + " must be an array of integers, found "
                        + describe(node));
            }
            if (requiredLength >= 0 && node.size() != requiredLength) {
                throw new CheckpointException(where + ": " + key + " must have " + requiredLength
                        + " elements, found " + node.size());
            }
            long[] values = new long[node.size()];
            for (int i = 0; i < values.length; i++) {
                JsonNode v = node.get(i);
                if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                    throw new CheckpointException(where + ": " + key + "[" + i
                            + "] must be a non-negative 64-bit integer, found " + describe(v));
                }
                values[i] = v.longValue();
            }
            return values;
        }

        private void checkNoOverlap() {
            List<SafetensorsEntry> byOffset = new ArrayList<>(entries.values());
            byOffset.removeIf(e -> e.byteLength() == 0); // empty tensors occupy no bytes
            byOffset.sort(Comparator.comparingLong(SafetensorsEntry::begin).thenComparingLong(SafetensorsEntry::end));
            for (int i = 1; i < byOffset.size(); i++) {
                SafetensorsEntry previous = byOffset.get(i - 1);
                SafetensorsEntry current = byOffset.get(i);
                if (current.begin() < previous.end()) {
                    throw new CheckpointException(path + ": tensor '" + current.name() + "' bytes [" + current.begin()
                            + ", " + current.end() + ") overlap tensor '" + previous.name() + "' bytes ["
                            + previous.begin() + ", " + previous.end() + ")");
                }
            }
        }

        private static String describe(JsonNode node) {
            String kind = node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
            String text = node.toString();
            if (text.length() > 60) {
                text = text.substring(0, 60) + "...";
            }
            return kind + " " + text;
        }

        private static String firstLine(String message) {
            if (message == null) {
                return "unreadable";
            }
            int nl = message.indexOf('\n');
            return nl < 0 ? message : message.substring(0, nl);
        }
    }
}
