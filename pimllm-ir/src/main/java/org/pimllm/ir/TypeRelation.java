package org.pimllm.ir;

/**
 * An op's type relation: the output type from the argument types and the attributes
 * (shape inference). Report mismatches with {@link Rel#fail}, which names the op.
 */
@FunctionalInterface
public interface TypeRelation<A extends Attrs> {
    Type infer(Rel rel, A attrs);
}
