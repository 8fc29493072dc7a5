package org.pimllm.ir;

/**
 * Marker for the typed attributes of an op: each op has one attrs record type (see
 * {@code org.pimllm.ir.attrs}). Attribute records are values (record equality) and are printed
 * and parsed generically from their components: supported component types are primitives and
 * their boxes, String, enums, {@link DType}, {@code List} of those, and nested records of the same.
 * A {@code null} component means "not set" and is not printed.
 */
public interface Attrs {
}
