package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * The attention keys and values of every position seen so far, per layer, for a batch of N
 * sequences of equal length: [N, H, length, D] each. The arrays live in the cache's own native
 * scope (a sub-manager of the model's), which {@link #close()} frees; each step replaces them with
 * the concatenation of old and new rows and frees the old ones.
 *
 * <p>Not thread-safe: one cache is advanced by one thread at a time.
 */
public final class KvCache implements AutoCloseable {

    private final Gpt2Model owner;
    private final NDManager manager;
    private final int batchSize;
    private final NDArray[] keys;    // per layer [N, H, length, D]; null while empty
    private final NDArray[] values;  // per layer [N, H, length, D]; null while empty
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
        KvCache copy = new KvCache(owner, owner.manager(), batchSize, keys.length);
        for (int l = 0; l < keys.length && length > 0; l++) {
            copy.keys[l] = adopt(copy.manager, keys[l].duplicate());
            copy.values[l] = adopt(copy.manager, values[l].duplicate());
        }
        copy.length = length;
        return copy;
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
        KvCache batch = new KvCache(owner, owner.manager(), n, keys.length);
        for (int l = 0; l < keys.length && length > 0; l++) {
            batch.keys[l] = adopt(batch.manager, keys[l].repeat(0, n));     // [n, H, length, D]
            batch.values[l] = adopt(batch.manager, values[l].repeat(0, n)); // [n, H, length, D]
        }
        batch.length = length;
        return batch;
    }

    /** A single-sequence copy of row {@code row} of this batch. */
    public KvCache row(int row) {
        requireOpen();
        if (row < 0 || row >= batchSize) {
            throw new IndexOutOfBoundsException("row " + row + " outside a batch of " + batchSize);
        }
        KvCache single = new KvCache(owner, owner.manager(), 1, keys.length);
        NDIndex pick = new NDIndex("{}:{}", row, row + 1);
        for (int l = 0; l < keys.length && length > 0; l++) {
            try (NDArray k = keys[l].get(pick); NDArray v = values[l].get(pick)) { // views, freed here
                single.keys[l] = adopt(single.manager, k.duplicate());   // [1, H, length, D]
                single.values[l] = adopt(single.manager, v.duplicate()); // [1, H, length, D]
            }
        }
        single.length = length;
        return single;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            manager.close();
        }
    }

    Gpt2Model owner() {
        return owner;
    }

    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    /** Takes ownership of a step's full key/value arrays and frees the previous ones. */
    void commit(NDArray[] newKeys, NDArray[] newValues, int added) {
        for (int l = 0; l < keys.length; l++) {
            NDArray oldK = keys[l];
            NDArray oldV = values[l];
            keys[l] = adopt(manager, newKeys[l]);
            values[l] = adopt(manager, newValues[l]);
            if (oldK != null) {
                oldK.close();
                oldV.close();
            }
        }
        length += added;
    }

    void requireOpen() {
        if (!isOpen()) {
            throw new IllegalStateException("this KV cache is closed (or its model is)");
        }
    }

    private static NDArray adopt(NDManager target, NDArray array) {
        array.attach(target);
        return array;
    }
}
