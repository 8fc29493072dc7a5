package org.pimllm.ir;

/**
 * A type error: an op's arguments or attributes do not fit its type relation, or a
 * function's annotation disagrees with its body. The message names the op and the mismatch.
 */
public class TypeCheckException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TypeCheckException(String message) {
        super(message);
    }
}
