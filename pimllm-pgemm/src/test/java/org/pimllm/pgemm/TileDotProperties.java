package org.pimllm.pgemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The Vector API int8 dot equals the scalar reference for any bytes, lengths and offsets. */
class TileDotProperties {

  @Test
  void vectorPathIsActiveInTheTestJvm() {
    assertTrue(TileDot.VECTOR, "tests run with --add-modules=jdk.incubator.vector (see the parent pom)");
  }

  @Property(tries = 300)
  void vectorInt8DotEqualsScalar(@ForAll @Size(min = 1, max = 300) byte[] a, @ForAll @IntRange(max = 7) int off,
      @ForAll long seed) {
    byte[] b = new byte[a.length];
    new java.util.Random(seed).nextBytes(b);
    int n = Math.max(0, a.length - off);
    assertEquals(TileDot.int8(a, off, b, off, n), TileDotVector.int8(a, off, b, off, n));
  }

  @Test
  void extremeValuesDoNotOverflowDifferently() {
    byte[] a = new byte[4096];
    java.util.Arrays.fill(a, (byte) -128);
    assertEquals(TileDot.int8(a, 0, a, 0, 4096), TileDotVector.int8(a, 0, a, 0, 4096));
    assertEquals(4096 * 16384, TileDotVector.int8(a, 0, a, 0, 4096));
  }
}
