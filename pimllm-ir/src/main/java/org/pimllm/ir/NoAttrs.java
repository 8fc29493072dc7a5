package org.pimllm.ir;

/** Attributes of ops that have none. */
public record NoAttrs() implements Attrs {
    public static final NoAttrs INSTANCE = new NoAttrs();
}
