package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.gpt2explainer.model.Gpt2Config;

import java.util.function.UnaryOperator;

/**
 * The attention keys and values of every position seen so far, per layer, for a batch of N sequences
 * of equal length. Each layer holds two preallocated buffers [N, H, capacity, D] in the cache's own
 * native scope (a sub-manager of the model's, freed by {@link #close()}); a step writes its new rows in
 * place at positions {@code length .. length + T - 1} and attends over the view {@code [:, :, :S, :]}.
 * Nothing already cached is copied per step (a concat would copy the whole cache every step; figures in
 * docs/benchmarks.md). The capacity doubles when a step needs more (from 64 positions up
 * to the model's context length), so memory follows use.
 *
 * <p>Rows at or past {@link #length()} are scratch: a step that fails after writing some of them
 * leaves the cache's visible state unchanged, because the length advances only when a step succeeds.
 *
 * <p>Not thread-safe: one cache is advanced by one thread at a time.
 */
public final class KvCache implements AutoCloseable {

    private static final int MIN_CAPACITY = 64;

    private final Gpt2Model owner;
    private final NDManager manager;
    private final int batchSize;
    private final NDArray[] keys;    // per layer [N, H, capacity, D]; null until the first reserve
    private final NDArray[] values;  // per layer [N, H, capacity, D]
    private int capacity;
    private int length;
    private boolean open = true;

    KvCache(Gpt2Model owner, NDManager parent, int batchSize, int layers) {
        this.owner = owner;
        this.manager = parent.newSubManager();
        this.batchSize = batchSize;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** How many positions are cached: the absolute position of the next token. */
    public int length() {
        return length;
    }

    /** N, the number of sequences advanced together. */
    public int batchSize() {
        return batchSize;
    }

    public boolean isOpen() {
        return open && manager.isOpen();
    }

    /** An independent copy: advancing one never changes the other. */
    public KvCache fork() {
        requireOpen();
        return copyOf(batchSize, NDArray::duplicate);
    }

    /**
     * A batch of {@code n} copies of this single-sequence cache, to be advanced together by
     * {@link Gpt2Model#decodeBatch}: e.g. one prompt sampled at n temperatures.
     */
    public KvCache repeat(int n) {
        requireOpen();
        if (batchSize != 1) {
            throw new IllegalArgumentException("only a single-sequence cache can be repeated, this one holds " + batchSize);
        }
        if (n < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + n);
        }
        return copyOf(n, buffer -> buffer.repeat(0, n)); // [n, H, capacity, D]
    }

    /**
     * An independent copy holding only the first {@code positions} positions, with room for exactly {@code room}
     * positions in all: e.g. the prefix of a prompt, to be continued otherwise up to the prompt's length (the
     * occluded copies of a prompt in InputAttribution). Exact room instead of {@link #reserve}'s rounding up keeps
     * many short copies small (a copy of gpt2-xl takes 2.4 MB per position).
     */
    public KvCache prefix(int positions, int room) {
        requireOpen();
        if (positions < 0 || positions > length || room < positions || room > owner.config().contextLength()) {
            throw new IllegalArgumentException("a prefix of " + positions + " positions with room for " + room
                    + ", of a cache holding " + length + " (context " + owner.config().contextLength() + ")");
        }
        KvCache copy = new KvCache(owner, owner.manager(), batchSize, keys.length);
        for (int l = 0; l < keys.length; l++) {
            copy.keys[l] = copy.withRoom(keys[l], room, positions);
            copy.values[l] = copy.withRoom(values[l], room, positions);
        }
        copy.capacity = room;
        copy.length = positions;
        return copy;
    }

    /** A single-sequence copy of row {@code row} of this batch. */
    public KvCache row(int row) {
        requireOpen();
        if (row < 0 || row >= batchSize) {
            throw new IndexOutOfBoundsException("row " + row + " outside a batch of " + batchSize);
        }
        NDIndex pick = new NDIndex().addSliceDim(row, row + 1);
        return copyOf(1, buffer -> {
            try (NDArray view = buffer.get(pick)) { // [1, H, capacity, D] view, freed here
                return view.duplicate();
            }
        });
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            manager.close();
        }
    }

    /**
     * The native bytes one row (sequence) of a cache takes once {@code positions} are reserved: keys and values of
     * every layer, float32, at the capacity {@link #reserve} rounds up to.
     */
    public static long bytesPerRow(Gpt2Config config, int positions) {
        return 2L * config.layers() * config.width() * Float.BYTES * capacityFor(positions, 0, config.contextLength());
    }

    /** The capacity {@link #reserve} grows a cache of {@code current} capacity to, to hold {@code positions}. */
    private static int capacityFor(int positions, int current, int contextLength) {
        int wanted = Math.min(positions, contextLength);
        if (wanted <= current) {
            return current;
        }
        int grown = Math.max(MIN_CAPACITY, current);
        while (grown < wanted) {
            grown *= 2;
        }
        return Math.min(grown, contextLength);
    }

    /** How many positions fit before the buffers must grow (0 before the first step or reserve). */
    int capacity() {
        return capacity;
    }

    Gpt2Model owner() {
        return owner;
    }

    /**
     * Makes room for {@code positions} cached positions now (capped at the model's context length), so
     * that no step up to that length has to grow the buffers: for generation, the prompt's length plus
     * the tokens to generate. Optional, as a step grows the cache when it needs to; growing copies the
     * cached rows once into buffers of at least twice the capacity.
     */
    public void reserve(int positions) {
        requireOpen();
        if (positions < 0) {
            throw new IllegalArgumentException("cannot reserve " + positions + " positions");
        }
        int grown = capacityFor(positions, capacity, owner.config().contextLength());
        if (grown != capacity) {
            reserveExactly(grown);
        }
    }

    /** Makes the buffers hold exactly {@code room} positions (at least the cached ones), keeping what is cached. */
    void reserveExactly(int room) {
        for (int l = 0; l < keys.length; l++) {
            NDArray oldKeys = keys[l];
            NDArray oldValues = values[l];
            keys[l] = withRoom(oldKeys, room, length);
            values[l] = withRoom(oldValues, room, length);
            if (oldKeys != null) {
                oldKeys.close();
                oldValues.close();
            }
        }
        capacity = room;
    }

    /** Writes a step's new keys and values, [N, H, T, D] each, at positions {@code length .. length + T - 1}. */
    void write(int layer, NDArray newKeys, NDArray newValues) {
        long t = newKeys.getShape().get(2);
        NDIndex slots = new NDIndex().addAllDim(2).addSliceDim(length, length + t);
        keys[layer].set(slots, newKeys);
        values[layer].set(slots, newValues);
    }

    /** The keys of positions 0 .. positions-1 as a view [N, H, positions, D], owned by {@code scope}. */
    NDArray keys(NDManager scope, int layer, int positions) {
        return keys[layer].get(scope, cachedRows(positions));
    }

    /** The values of positions 0 .. positions-1 as a view [N, H, positions, D], owned by {@code scope}. */
    NDArray values(NDManager scope, int layer, int positions) {
        return values[layer].get(scope, cachedRows(positions));
    }

    /** Counts a successful step's positions as cached. */
    void advance(int added) {
        length += added;
    }

    void requireOpen() {
        if (!isOpen()) {
            throw new IllegalStateException("this KV cache is closed (or its model is)");
        }
    }

    /**
     * A new buffer of this cache [N, H, room, D] holding the first {@code positions} positions of {@code source}
     * (none when it is null). Uninitialized past them (torch.empty): rows at or past the length are scratch and
     * never read, and zeroing them cost time on every pass (docs/benchmarks.md).
     */
    private NDArray withRoom(NDArray source, int room, int positions) {
        Gpt2Config config = owner.config();
        NDArray buffer = manager.create(new Shape(batchSize, config.heads(), room, config.headDim()), DataType.FLOAT32);
        if (source != null && positions > 0) {
            NDIndex cached = cachedRows(positions);
            try (NDArray rows = source.get(cached)) {
                buffer.set(cached, rows);
            }
        }
        return buffer;
    }

    private static NDIndex cachedRows(long positions) {
        return new NDIndex().addAllDim(2).addSliceDim(0, positions);
    }

    private KvCache copyOf(int rows, UnaryOperator<NDArray> copyBuffer) {
        KvCache copy = new KvCache(owner, owner.manager(), rows, keys.length);
        for (int l = 0; l < keys.length && keys[l] != null; l++) {
            copy.keys[l] = adopt(copy.manager, copyBuffer.apply(keys[l]));
            copy.values[l] = adopt(copy.manager, copyBuffer.apply(values[l]));
        }
        copy.capacity = capacity;
        copy.length = length;
        return copy;
    }

    private static NDArray adopt(NDManager target, NDArray array) {
        array.attach(target);
        return array;
    }
}
