package org.pimllm.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pimllm.ir.TensorSource.Distribution;
import org.pimllm.ir.TensorSource.Synthetic;

class TensorTest {

    @Test
    void storageHasTheRightWidth() {
        assertEquals(float[].class, Tensor.zeros(DType.FP32, 2, 3).storage().getClass());
        assertEquals(byte[].class, Tensor.zeros(DType.INT8, 2).storage().getClass());
        assertEquals(byte[].class, Tensor.zeros(DType.UINT8, 2).storage().getClass());
        assertEquals(byte[].class, Tensor.zeros(DType.BOOL, 2).storage().getClass());
        assertEquals(short[].class, Tensor.zeros(DType.INT16, 2).storage().getClass());
        assertEquals(short[].class, Tensor.zeros(DType.BF16, 2).storage().getClass());
        assertEquals(int[].class, Tensor.zeros(DType.INT32, 2).storage().getClass());
        assertEquals(long[].class, Tensor.zeros(DType.INT64, 2).storage().getClass());
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(DType.INT8, 2).floats());
    }

    @Test
    void conversionsRoundAndSaturate() {
        Tensor t = Tensor.zeros(DType.INT8, 5);
        t.setDouble(0, 2.5);
        t.setDouble(1, 3.5);
        t.setDouble(2, -300);
        t.setDouble(3, 1e10);
        t.setDouble(4, Double.NaN);
        assertArrayEquals(new byte[] {2, 4, -128, 127, 0}, t.bytes());
        Tensor u = Tensor.zeros(DType.UINT8, 1);
        u.setLong(0, 200);
        assertEquals(200, u.getLong(0));
        assertThrows(IllegalArgumentException.class, () -> u.setLong(0, 256));
        Tensor h = Tensor.fromDoubles(DType.FP16, new double[] {1.5, 65504, 1e-8}, 3);
        assertEquals(1.5, h.getDouble(0));
        assertEquals(65504, h.getDouble(1));
        Tensor bf = Tensor.fromDoubles(DType.BF16, new double[] {1.0, 3.140625, 1.00390625}, 3);
        assertEquals(1.0, bf.getDouble(0));
        assertEquals(3.140625, bf.getDouble(1));
        assertEquals(1.0, bf.getDouble(2)); // 1 + 2^-8 is a tie: rounds to even (1.0)
    }

    @Test
    void shapeMismatchAndHugeTensorsAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.ofFloats(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("5 elements") && e.getMessage().contains("6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.FP32, 65536, 65536));
        assertTrue(e.getMessage().contains("synthetic"), e.getMessage());
    }

    @Test
    void syntheticIsDeterministicAndRandomAccess() {
        TensorType ty = TensorType.of(DType.FP32, 64, 64);
        Synthetic s = new Synthetic(42, Distribution.NORMAL, 0.02);
        Tensor a = s.materialize(ty);
        Tensor b = s.materialize(ty);
        assertTrue(a.contentEquals(b));
        assertEquals((float) s.valueAt(1000, DType.FP32), a.floats()[1000]);
        double sum = 0;
        double sq = 0;
        for (float f : a.floats()) {
            sum += f;
            sq += f * f;
        }
        double mean = sum / a.size();
        double std = Math.sqrt(sq / a.size() - mean * mean);
        assertEquals(0.0, mean, 0.002);
        assertEquals(0.02, std, 0.002);
        assertFalse(a.contentEquals(new Synthetic(43, Distribution.NORMAL, 0.02).materialize(ty)));
        Tensor ints = new Synthetic(1, Distribution.UNIFORM, 127).materialize(TensorType.of(DType.INT8, 1000));
        long min = 0;
        long max = 0;
        for (byte x : ints.bytes()) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        assertTrue(min >= -127 && min < -100 && max <= 127 && max > 100, min + ".." + max);
    }

    @Test
    void syntheticConstantsOfLlamaSizeCostNothingUntilMaterialized() {
        // a 32000 x 4096 float32 embedding is 524 MB as data; as a synthetic constant it is a few objects
        Constant emb = new Builder(1).weight("tok_embeddings", 32000, 4096);
        assertEquals(32000L * 4096 * 4, emb.type().sizeInBytes());
        assertTrue(emb.isSynthetic());
    }
}
