package org.pimllm.ir.eval;

/** Index arithmetic on row-major shapes. */
final class Shapes {

    private Shapes() {
    }

    static int size(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return Math.toIntExact(n);
    }

    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    static int axis(int axis, int rank) {
        return axis < 0 ? axis + rank : axis;
    }

    /** Product of dims in [from, to). */
    static int prod(int[] shape, int from, int to) {
        int n = 1;
        for (int i = from; i < to; i++) n *= shape[i];
        return n;
    }

    /**
     * For numpy broadcasting of {@code in} to {@code out}: the flat input index of every flat output index.
     * Dimensions of size 1 (or missing) in the input repeat.
     */
    static int[] broadcastIndex(int[] in, int[] out) {
        int n = size(out);
        int[] map = new int[n];
        int rank = out.length;
        int off = rank - in.length;
        int[] inStrides = strides(in);
        int[] bs = new int[rank];
        for (int d = 0; d < rank; d++) {
            int id = d - off;
            bs[d] = id < 0 || in[id] == 1 ? 0 : inStrides[id];
        }
        int[] idx = new int[rank];
        int flat = 0;
        for (int i = 0; i < n; i++) {
            map[i] = flat;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                flat += bs[d];
                if (idx[d] < out[d]) break;
                flat -= bs[d] * idx[d];
                idx[d] = 0;
            }
        }
        return map;
    }
}
