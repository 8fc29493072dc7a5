package org.pimllm.ir.text;

import java.util.ArrayList;
import java.util.List;
import org.pimllm.ir.text.Token.Kind;

/** Splits IR text into tokens; skips whitespace and comments. Linear time. */
final class Lexer {

    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;
    private final List<Token> out = new ArrayList<>();

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) {
        Lexer l = new Lexer(src);
        l.run();
        return l.out;
    }

    private int col() { return pos - lineStart + 1; }

    private ParseException error(String msg) { return new ParseException(msg, line, col()); }

    private Kind lastKind() { return out.isEmpty() ? null : out.getLast().kind(); }

    private void run() {
        while (true) {
            skipSpaceAndComments();
            if (pos >= src.length()) {
                out.add(new Token(Kind.EOF, "", line, col()));
                return;
            }
            int startLine = line;
            int startCol = col();
            char c = src.charAt(pos);
            Token t;
            if (c == '%') {
                pos++;
                int s = pos;
                while (pos < src.length() && isWordChar(src.charAt(pos))) pos++;
                if (pos == s) throw new ParseException("expected a name after '%'", startLine, startCol);
                t = new Token(Kind.LOCAL, src.substring(s, pos), startLine, startCol);
            } else if (c == '@') {
                pos++;
                int s = pos;
                if (pos < src.length() && isIdentStart(src.charAt(pos))) readDottedIdent();
                if (pos == s) throw new ParseException("expected a function name after '@'", startLine, startCol);
                t = new Token(Kind.GLOBAL, src.substring(s, pos), startLine, startCol);
            } else if (isIdentStart(c)) {
                int s = pos;
                readDottedIdent();
                t = new Token(Kind.IDENT, src.substring(s, pos), startLine, startCol);
            } else if (isDigit(c) || (c == '-' && pos + 1 < src.length() && isDigit(src.charAt(pos + 1)))) {
                t = new Token(Kind.NUMBER, readNumber(), startLine, startCol);
            } else if (c == '"') {
                t = new Token(Kind.STRING, readString(), startLine, startCol);
            } else if (c == '-' && pos + 1 < src.length() && src.charAt(pos + 1) == '>') {
                pos += 2;
                t = new Token(Kind.ARROW, "->", startLine, startCol);
            } else {
                Kind k = switch (c) {
                    case '(' -> Kind.LPAREN;
                    case ')' -> Kind.RPAREN;
                    case '[' -> Kind.LBRACKET;
                    case ']' -> Kind.RBRACKET;
                    case '{' -> Kind.LBRACE;
                    case '}' -> Kind.RBRACE;
                    case ',' -> Kind.COMMA;
                    case ':' -> Kind.COLON;
                    case ';' -> Kind.SEMI;
                    case '=' -> Kind.EQUALS;
                    case '.' -> Kind.DOT;
                    case '#' -> Kind.HASH;
                    case '-' -> Kind.MINUS;
                    default -> throw error("unexpected character " + printable(c));
                };
                pos++;
                t = new Token(k, String.valueOf(c), startLine, startCol);
            }
            out.add(t);
        }
    }

    private static String printable(char c) {
        if (c >= 32 && c < 127) return "'" + c + "'";
        return String.format("U+%04X", (int) c);
    }

    private void skipSpaceAndComments() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '*') {
                int sl = line;
                int sc = col();
                pos += 2;
                while (true) {
                    if (pos + 1 >= src.length()) {
                        pos = src.length();
                        throw new ParseException("unterminated comment (expected '*/')", sl, sc);
                    }
                    if (src.charAt(pos) == '*' && src.charAt(pos + 1) == '/') {
                        pos += 2;
                        break;
                    }
                    if (src.charAt(pos) == '\n') {
                        line++;
                        lineStart = pos + 1;
                    }
                    pos++;
                }
            } else if (c == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '/') {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            } else {
                return;
            }
        }
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    private static boolean isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

    private static boolean isWordChar(char c) { return isIdentStart(c) || isDigit(c); }

    /** ident ('.' ident)*, where a dot joins only if a letter follows (so {@code %t.0} stays three tokens). */
    private void readDottedIdent() {
        while (true) {
            while (pos < src.length() && isWordChar(src.charAt(pos))) pos++;
            if (pos + 1 < src.length() && src.charAt(pos) == '.' && isIdentStart(src.charAt(pos + 1))) {
                pos++;
            } else {
                return;
            }
        }
    }

    /**
     * -?digits(.digits)?([eE][+-]?digits)?suffix? ; after a '.' token (tuple field access) only
     * digits are read, so {@code %t.0.1} is two field accesses.
     */
    private String readNumber() {
        int s = pos;
        if (src.charAt(pos) == '-') pos++;
        while (pos < src.length() && isDigit(src.charAt(pos))) pos++;
        if (lastKind() == Kind.DOT) return src.substring(s, pos);
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && isDigit(src.charAt(pos + 1))) {
            pos++;
            while (pos < src.length() && isDigit(src.charAt(pos))) pos++;
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int p = pos + 1;
            if (p < src.length() && (src.charAt(p) == '+' || src.charAt(p) == '-')) p++;
            if (p < src.length() && isDigit(src.charAt(p))) {
                pos = p;
                while (pos < src.length() && isDigit(src.charAt(pos))) pos++;
            }
        }
        while (pos < src.length() && isWordChar(src.charAt(pos))) pos++; // suffix: f, i64, u8, ...
        return src.substring(s, pos);
    }

    private String readString() {
        int sl = line;
        int sc = col();
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') {
                throw new ParseException("unterminated string (expected '\"')", sl, sc);
            }
            char c = src.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= src.length()) throw new ParseException("unterminated string (expected '\"')", sl, sc);
            char e = src.charAt(pos++);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'u' -> {
                    if (pos + 4 > src.length()) throw error("expected 4 hex digits after \\u");
                    String hex = src.substring(pos, pos + 4);
                    if (!hex.matches("[0-9a-fA-F]{4}")) throw error("expected 4 hex digits after \\u but found '" + hex + "'");
                    sb.append((char) Integer.parseInt(hex, 16));
                    pos += 4;
                }
                default -> throw error("unknown escape \\" + printable(e) + " in string (use \\\" \\\\ \\n \\t \\r \\uXXXX)");
            }
        }
    }

    /** Quotes a string for the text form. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 32 || c > 126) sb.append(String.format("\\u%04x", (int) c)); else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
