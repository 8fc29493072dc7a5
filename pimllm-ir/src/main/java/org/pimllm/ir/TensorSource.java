package org.pimllm.ir;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where a {@link Constant}'s data comes from: real data in memory, a synthetic seeded tensor
 * generated on demand (so LLaMA-7B-sized graphs cost nothing until data is needed), or a lazy
 * loader (e.g. a tensor in a safetensors file).
 */
public sealed interface TensorSource {

    /** The data of a tensor of type {@code type}, materialized now. */
    Tensor materialize(TensorType type);

    /** Real data held in memory. Compared by content. */
    record Materialized(Tensor tensor) implements TensorSource {
        public Materialized {
            Objects.requireNonNull(tensor, "tensor");
        }

        @Override
        public Tensor materialize(TensorType type) { return tensor; }

        @Override
        public boolean equals(Object o) { return o instanceof Materialized m && m.tensor.contentEquals(tensor); }

        @Override
        public int hashCode() { return tensor.contentHash(); }
    }

    /** Distributions of synthetic tensors. */
    enum Distribution {
        /** Uniform in [-scale, scale] (integers: uniform integers in [-floor(scale), floor(scale)]; uint8 and bool: [0, floor(scale)]). */
        UNIFORM,
        /** Normal with mean 0 and standard deviation {@code scale} (integers: rounded, saturated). */
        NORMAL,
        /** Every element equals {@code scale}. */
        FILL;

        public String text() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /**
     * A deterministic pseudo-random tensor. Element {@code i} depends only on (seed, i), so any
     * slice can be generated without the rest ({@link #valueAt}). Compared by seed,
     * distribution and scale (the shape and dtype are the constant's type).
     */
    record Synthetic(long seed, Distribution distribution, double scale) implements TensorSource {
        public Synthetic {
            Objects.requireNonNull(distribution, "distribution");
            if (!Double.isFinite(scale)) {
                throw new IllegalArgumentException("synthetic tensor scale must be finite, got " + scale);
            }
        }

        /** Element {@code index} as a double, before conversion to the dtype. */
        public double valueAt(long index, DType dtype) {
            double v = switch (distribution) {
                case FILL -> scale;
                case UNIFORM -> {
                    double u = unit(mix(seed, index));
                    if (dtype.isFloat()) yield (2 * u - 1) * scale;
                    long hi = (long) Math.floor(Math.abs(scale));
                    boolean unsigned = dtype == DType.UINT8 || dtype == DType.BOOL;
                    long lo = unsigned ? 0 : -hi;
                    yield lo + Math.min((long) (u * (hi - lo + 1)), hi - lo);
                }
                case NORMAL -> {
                    // Box-Muller from two independent counter-based draws.
                    double u1 = unit(mix(seed, 2 * index));
                    double u2 = unit(mix(seed, 2 * index + 1));
                    double r = Math.sqrt(-2 * Math.log(1 - u1));
                    yield r * Math.cos(2 * Math.PI * u2) * scale;
                }
            };
            return v;
        }

        @Override
        public Tensor materialize(TensorType type) {
            long n = type.numElements();
            Tensor t = Tensor.zeros(type);
            DType dt = type.dtype();
            if (dt == DType.FP32) {
                float[] f = t.floats();
                for (int i = 0; i < n; i++) f[i] = (float) valueAt(i, dt);
            } else {
                for (int i = 0; i < n; i++) t.setDouble(i, valueAt(i, dt));
            }
            return t;
        }

        /** SplitMix64-style mixing of (seed, counter). */
        private static long mix(long seed, long counter) {
            long z = seed + (counter + 1) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** Uniform in [0, 1). */
        private static double unit(long bits) {
            return (bits >>> 11) * 0x1.0p-53;
        }
    }

    /**
     * Data loaded on demand by {@code loader}, identified by {@code key} (e.g.
     * {@code "model.safetensors:layers.0.wq"}). Compared by key. The loader is called on every
     * {@link #materialize}; cache in the loader if needed.
     */
    record Lazy(String key, Supplier<Tensor> loader) implements TensorSource {
        public Lazy {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(loader, "loader");
        }

        @Override
        public Tensor materialize(TensorType type) {
            Tensor t = loader.get();
            if (!t.type().equals(type)) {
                throw new IllegalStateException("lazy tensor '" + key + "' loaded as " + t.type()
                        + " but the constant is declared " + type);
            }
            return t;
        }

        @Override
        public boolean equals(Object o) { return o instanceof Lazy l && l.key.equals(key); }

        @Override
        public int hashCode() { return key.hashCode(); }

        @Override
        public String toString() { return "Lazy[" + key + "]"; }
    }
}
