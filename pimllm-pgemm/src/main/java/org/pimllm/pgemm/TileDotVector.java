package org.pimllm.pgemm;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The int8 tile dot product with the Vector API: bytes widened to int lanes, multiplied and summed per lane,
 * lanes added at the end. int32 lane sums wrap like the scalar sum, so the result is identical to
 * {@link TileDot#int8} (the readable reference) for every input. Loaded only when the
 * {@code jdk.incubator.vector} module is present.
 */
final class TileDotVector {
  private TileDotVector() {}

  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED.withShape(
      jdk.incubator.vector.VectorShape.forBitSize(INTS.vectorBitSize() / 4));

  static int int8(byte[] a, int aOff, byte[] b, int bOff, int n) {
    int lanes = INTS.length();
    IntVector acc = IntVector.zero(INTS);
    int i = 0;
    for (; i + lanes <= n; i += lanes) {
      IntVector va = (IntVector) ByteVector.fromArray(BYTES, a, aOff + i).convertShape(VectorOperators.B2I, INTS, 0);
      IntVector vb = (IntVector) ByteVector.fromArray(BYTES, b, bOff + i).convertShape(VectorOperators.B2I, INTS, 0);
      acc = acc.add(va.mul(vb));
    }
    int s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }
}
