package org.pimllm.ir.text;

/** A token of IR text with its 1-based position. */
record Token(Kind kind, String text, int line, int column) {

    enum Kind {
        LOCAL, GLOBAL, IDENT, NUMBER, STRING,
        LPAREN, RPAREN, LBRACKET, RBRACKET, LBRACE, RBRACE,
        COMMA, COLON, SEMI, EQUALS, DOT, ARROW, HASH, MINUS, EOF
    }

    String describe() {
        return switch (kind) {
            case EOF -> "end of input";
            case STRING -> "string " + abbreviate(text);
            case NUMBER -> "number " + abbreviate(text);
            case LOCAL -> "'%" + abbreviate(text) + "'";
            case GLOBAL -> "'@" + abbreviate(text) + "'";
            default -> "'" + abbreviate(text) + "'";
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
