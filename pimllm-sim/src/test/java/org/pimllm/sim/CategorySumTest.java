package org.pimllm.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Regression (docs/reliability.md, determinism): totals were summed in Map.copyOf's iteration order, which changes
 * from JVM to JVM, so `tune --json` printed selectedMs 4.70466695449224 in one run and 4.7046669544922395 in the
 * next. The sum is now taken in category order.
 */
class CategorySumTest {

  @Test
  void sumsInCategoryOrderWhateverTheMapsOrder() {
    // values whose floating-point sum depends on the order of addition
    Map<Category, Double> s = new EnumMap<>(Category.class);
    s.put(Category.H2D, 0.1);
    s.put(Category.KERNEL, 1e16);
    s.put(Category.D2H, 0.7);
    s.put(Category.HOST, -1e16);
    s.put(Category.LAUNCH, 0.3);
    double inOrder = ((((0.1 + 1e16) + 0.7) + -1e16) + 0.3); // H2D, KERNEL, D2H, HOST, LAUNCH
    assertEquals(inOrder, Category.sum(s));
    assertEquals(inOrder, Category.sum(Map.copyOf(s)));
  }
}
