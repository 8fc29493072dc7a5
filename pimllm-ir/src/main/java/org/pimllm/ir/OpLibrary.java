package org.pimllm.ir;

import java.util.List;

/**
 * A set of ops defined outside this module. Implementations listed in
 * {@code META-INF/services/org.pimllm.ir.OpLibrary} are loaded when the registry is first
 * used; {@link #ops()} must return the library's op constants (which registers them), and
 * {@link #moduleAttrs()} its module-attribute keys.
 */
public interface OpLibrary {
    List<Op> ops();

    /** The library's module-attribute keys (their constants, which registers them); none by default. */
    default List<ModuleAttr<?>> moduleAttrs() { return List.of(); }
}
