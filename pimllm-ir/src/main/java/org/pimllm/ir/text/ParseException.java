package org.pimllm.ir.text;

/**
 * A syntax or type error in IR text, at a 1-based line and column. The message says what
 * was expected and what was found, e.g. {@code line 3, column 17: expected ')' but found ','}.
 */
public class ParseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;
    private final String detail;

    public ParseException(String detail, int line, int column) {
        super("line " + line + ", column " + column + ": " + detail);
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    public int line() { return line; }

    public int column() { return column; }

    /** The message without the position. */
    public String detail() { return detail; }
}
