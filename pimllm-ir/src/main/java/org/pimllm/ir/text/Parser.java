package org.pimllm.ir.text;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.pimllm.ir.Attrs;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.FuncType;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.ModuleAttr;
import org.pimllm.ir.Op;
import org.pimllm.ir.OpRegistry;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.Tuple;
import org.pimllm.ir.TupleGetItem;
import org.pimllm.ir.TupleType;
import org.pimllm.ir.Type;
import org.pimllm.ir.Var;
import org.pimllm.ir.text.Token.Kind;

/**
 * Reads the text form written by {@link Printer} (hand-written recursive descent; grammar in
 * docs/ir.md). Calls are type-checked as they are read. Every problem, syntax or type, is a
 * {@link ParseException} with the line and column and what was expected there.
 */
public final class Parser {

    /** Maximum nesting of expressions, types and attribute values (guards the Java stack). */
    public static final int MAX_DEPTH = 200;

    /** Supplies loaders for {@code lazy(...)} constants by key. */
    @FunctionalInterface
    public interface LazyResolver {
        Supplier<Tensor> loader(String key);
    }

    /** Lazy constants parsed without a resolver fail only when their data is requested. */
    public static final LazyResolver NO_LOADERS = key -> () -> {
        throw new IllegalStateException("lazy constant '" + key + "' was parsed from text without a loader;"
                + " parse with Parser.parse(text, resolver) to load its data");
    };

    private final List<Token> toks;
    private final LazyResolver resolver;
    private int pos;
    private int end;
    private int depth;
    private final Map<Integer, Constant> meta = new HashMap<>();
    private final Deque<Map<String, Expr>> scopes = new ArrayDeque<>();

    private Parser(String text, LazyResolver resolver) {
        this.toks = Lexer.tokenize(text);
        this.resolver = resolver;
        this.end = toks.size() - 1;
    }

    /** Parses a module printed by {@link Printer#print(IRModule)}. */
    public static IRModule parse(String text) { return parse(text, NO_LOADERS); }

    public static IRModule parse(String text, LazyResolver resolver) {
        return new Parser(text, resolver).module();
    }

    // ---- token helpers ----

    private Token peek() { return peek(0); }

    private Token peek(int k) {
        int i = pos + k;
        if (i >= end) {
            Token t = toks.get(end);
            return new Token(Kind.EOF, "", t.line(), t.column());
        }
        return toks.get(i);
    }

    private boolean at(Kind k) { return peek().kind() == k; }

    private boolean atWord(String w) { return at(Kind.IDENT) && peek().text().equals(w); }

    private Token next() {
        Token t = peek();
        if (pos < end) pos++;
        return t;
    }

    private ParseException error(Token t, String msg) { return new ParseException(msg, t.line(), t.column()); }

    private ParseException expected(String what) {
        return error(peek(), "expected " + what + " but found " + peek().describe());
    }

    private Token expect(Kind k, String what) {
        if (!at(k)) throw expected(what);
        return next();
    }

    private void expectWord(String w) {
        if (!atWord(w)) throw expected("'" + w + "'");
        next();
    }

    private boolean accept(Kind k) {
        if (at(k)) {
            next();
            return true;
        }
        return false;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) throw error(peek(), "nesting deeper than " + MAX_DEPTH + " levels");
    }

    private void leave() { depth--; }

    // ---- module ----

    private IRModule module() {
        int metaStart = findMetadata();
        if (metaStart >= 0) {
            pos = metaStart;
            metadata();
            end = metaStart;
            pos = 0;
        }
        if (at(Kind.HASH) && peek(2).text().equals("version")) header();
        Map<String, Attrs> moduleAttrs = at(Kind.HASH) ? moduleAttributes() : Map.of();
        Map<String, Function> fns = new LinkedHashMap<>();
        while (!at(Kind.EOF)) {
            if (!atWord("def")) throw expected("'def' (a function) or the end of input");
            next();
            Token name = expect(Kind.GLOBAL, "a function name like @main");
            if (fns.containsKey(name.text())) throw error(name, "function @" + name.text() + " is defined twice");
            scopes.clear();
            fns.put(name.text(), function(name));
        }
        return new IRModule(fns, moduleAttrs);
    }

    private int findMetadata() {
        for (int i = 0; i + 3 < toks.size(); i++) {
            if (toks.get(i).kind() == Kind.HASH && toks.get(i + 1).kind() == Kind.LBRACKET
                    && toks.get(i + 2).kind() == Kind.IDENT && toks.get(i + 2).text().equals("metadata")) {
                return i;
            }
        }
        return -1;
    }

    private void header() {
        expect(Kind.HASH, "'#'");
        expect(Kind.LBRACKET, "'['");
        expectWord("version");
        expect(Kind.EQUALS, "'='");
        expect(Kind.STRING, "a version string");
        expect(Kind.RBRACKET, "']'");
    }

    /** {@code #[attributes = {name={...}, ...}]}: each name a defined {@link ModuleAttr}, its value that key's record. */
    private Map<String, Attrs> moduleAttributes() {
        expect(Kind.HASH, "'#'");
        expect(Kind.LBRACKET, "'['");
        expectWord("attributes");
        expect(Kind.EQUALS, "'='");
        Token open = peek();
        if (!at(Kind.LBRACE)) throw expected("'{' starting the module attributes");
        AttrValue.RecordV all = (AttrValue.RecordV) attrValue();
        expect(Kind.RBRACKET, "']' closing the module attributes");
        Map<String, Attrs> out = new LinkedHashMap<>();
        for (var e : all.fields().entrySet()) {
            AttrValue v = e.getValue();
            ModuleAttr<?> key = ModuleAttr.find(e.getKey());
            if (key == null) {
                throw new ParseException("unknown module attribute '" + e.getKey() + "'; defined: "
                        + String.join(", ", ModuleAttr.names()), v.line(), v.column());
            }
            if (!(v instanceof AttrValue.RecordV r)) {
                throw new ParseException("module attribute " + e.getKey() + ": expected a record {key=value, ...}",
                        v.line(), v.column());
            }
            out.put(e.getKey(), buildRecord(key.type(), r, "module attribute " + e.getKey()));
        }
        if (out.isEmpty()) throw error(open, "empty module attributes: leave the line out");
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Attrs buildRecord(Class<? extends Attrs> type, AttrValue.RecordV r, String owner) {
        return (Attrs) AttrsCodec.build((Class) type, null, r.fields(), owner, r.line(), r.column());
    }

    // ---- functions ----

    private Function function(Token at) {
        expect(Kind.LPAREN, "'(' starting the parameter list");
        Map<String, Expr> scope = new HashMap<>();
        List<Var> params = new ArrayList<>();
        if (!at(Kind.RPAREN)) {
            do {
                Token p = expect(Kind.LOCAL, "a parameter like %x");
                expect(Kind.COLON, "':' and the parameter's type");
                Type t = type();
                if (scope.containsKey(p.text())) throw error(p, "parameter %" + p.text() + " is declared twice");
                Var v = new Var(p.text(), t);
                scope.put(p.text(), v);
                params.add(v);
            } while (accept(Kind.COMMA));
        }
        expect(Kind.RPAREN, "')' or ',' in the parameter list");
        Type ret = null;
        Token arrow = peek();
        if (accept(Kind.ARROW)) ret = type();
        Map<String, String> attrs = new TreeMap<>();
        if (accept(Kind.LBRACKET)) {
            if (!at(Kind.RBRACKET)) {
                do {
                    Token k = expect(Kind.STRING, "a quoted attribute name");
                    expect(Kind.EQUALS, "'='");
                    Token v = expect(Kind.STRING, "a quoted attribute value");
                    if (attrs.put(k.text(), v.text()) != null) throw error(k, "function attribute \"" + k.text() + "\" given twice");
                } while (accept(Kind.COMMA));
            }
            expect(Kind.RBRACKET, "']' or ',' in the function attributes");
        }
        expect(Kind.LBRACE, "'{' starting the function body");
        scopes.push(scope);
        Expr body = body();
        scopes.pop();
        expect(Kind.RBRACE, "'}' closing the function body (after its result expression)");
        if (ret != null && !ret.equals(body.type())) {
            throw error(arrow, "the function declares return type " + ret + " but its body has type " + body.type());
        }
        return new Function(params, body, null, attrs);
    }

    /** (%name = expr ;)* expr */
    private Expr body() {
        Map<String, Expr> scope = scopes.peek();
        while (at(Kind.LOCAL) && peek(1).kind() == Kind.EQUALS) {
            Token name = next();
            next();
            if (scope.containsKey(name.text())) throw error(name, "%" + name.text() + " is already defined in this function");
            Expr e = expr();
            expect(Kind.SEMI, "';' after the binding of %" + name.text());
            scope.put(name.text(), e);
        }
        return expr();
    }

    // ---- expressions ----

    private Expr expr() {
        enter();
        Expr e = primary();
        while (at(Kind.DOT)) {
            Token dot = next();
            Token idx = expect(Kind.NUMBER, "a tuple field index after '.'");
            int i = smallInt(idx, "tuple field index");
            try {
                e = new TupleGetItem(e, i);
            } catch (IllegalArgumentException ex) {
                throw error(dot, ex.getMessage());
            }
        }
        leave();
        return e;
    }

    private Expr primary() {
        Token t = peek();
        switch (t.kind()) {
            case LOCAL -> {
                next();
                for (Map<String, Expr> s : scopes) {
                    Expr e = s.get(t.text());
                    if (e != null) return e;
                }
                throw error(t, "%" + t.text() + " is not defined (bind it with '%" + t.text() + " = ...;' or declare it as a parameter)");
            }
            case NUMBER -> {
                next();
                return scalarLiteral(t);
            }
            case LPAREN -> {
                return tupleOrParens();
            }
            case IDENT -> {
                switch (t.text()) {
                    case "meta" -> {
                        return metaRef();
                    }
                    case "fn" -> {
                        next();
                        return function(t);
                    }
                    case "true", "false" -> {
                        next();
                        return Constant.of(Tensor.scalarLong(DType.BOOL, t.text().equals("true") ? 1 : 0));
                    }
                    default -> {
                        return call();
                    }
                }
            }
            default -> throw expected("an expression (%name, an op call, a constant, a tuple or fn)");
        }
    }

    private Expr tupleOrParens() {
        Token open = next();
        if (accept(Kind.RPAREN)) return new Tuple(List.of());
        List<Expr> items = new ArrayList<>();
        items.add(expr());
        boolean comma = false;
        while (accept(Kind.COMMA)) {
            comma = true;
            if (at(Kind.RPAREN)) break;
            items.add(expr());
        }
        expect(Kind.RPAREN, "')' or ',' in the tuple starting at line " + open.line() + ", column " + open.column());
        return comma ? new Tuple(items) : items.getFirst();
    }

    private Expr metaRef() {
        Token m = next();
        expect(Kind.LBRACKET, "'[' after meta");
        expectWord("Constant");
        expect(Kind.RBRACKET, "']'");
        expect(Kind.LBRACKET, "'['");
        Token idx = expect(Kind.NUMBER, "a constant index");
        int i = smallInt(idx, "constant index");
        expect(Kind.RBRACKET, "']'");
        Constant c = meta.get(i);
        if (c == null) {
            throw error(m, "meta[Constant][" + i + "] is not defined in the #[metadata] section"
                    + (meta.isEmpty() ? " (the listing has no metadata; print it with PrintOptions.FULL)" : ""));
        }
        return c;
    }

    private Expr call() {
        Token name = next();
        Op op = OpRegistry.find(name.text());
        if (op == null) {
            String msg;
            try {
                OpRegistry.get(name.text());
                msg = "unknown op '" + name.text() + "'";
            } catch (IllegalArgumentException e) {
                msg = e.getMessage();
            }
            throw error(name, msg);
        }
        expect(Kind.LPAREN, "'(' after the op name " + name.text());
        List<Expr> args = new ArrayList<>();
        Map<String, AttrValue> attrs = new LinkedHashMap<>();
        if (!at(Kind.RPAREN)) {
            do {
                if (at(Kind.IDENT) && peek(1).kind() == Kind.EQUALS) {
                    Token key = next();
                    next();
                    if (attrs.containsKey(key.text())) throw error(key, "attribute " + key.text() + " given twice");
                    attrs.put(key.text(), attrValue());
                } else {
                    if (!attrs.isEmpty()) throw expected("an attribute key=value (arguments come before attributes)");
                    args.add(expr());
                }
            } while (accept(Kind.COMMA));
        }
        expect(Kind.RPAREN, "')' or ',' in the arguments of " + name.text());
        Attrs a = buildAttrs(op, attrs, name);
        try {
            return new Call(op, args, a);
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Attrs buildAttrs(Op op, Map<String, AttrValue> given, Token at) {
        Class<? extends Attrs> type = op.attrsType();
        Attrs defaults = op.defaultAttrs();
        return (Attrs) AttrsCodec.build((Class) type, (Record) defaults, given, op.name(), at.line(), at.column());
    }

    /** {@code 1.5f}, {@code 3}, {@code 3i64}, {@code 2u8}, {@code 1.0f16}, ... */
    private Constant scalarLiteral(Token t) {
        String text = t.text();
        // the suffix starts at the first letter after the numeric part
        int i = text.startsWith("-") ? 1 : 0;
        while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) i++;
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E') && i + 1 < text.length()
                && (Character.isDigit(text.charAt(i + 1)) || text.charAt(i + 1) == '-' || text.charAt(i + 1) == '+')) {
            i++;
            if (text.charAt(i) == '-' || text.charAt(i) == '+') i++;
            while (i < text.length() && Character.isDigit(text.charAt(i))) i++;
        }
        String num = text.substring(0, i);
        String suffix = text.substring(i);
        boolean integral = AttrsCodec.isInteger(num);
        DType dt = switch (suffix) {
            case "" -> integral ? DType.INT32 : DType.FP32;
            case "f", "f32" -> DType.FP32;
            case "f16" -> DType.FP16;
            case "bf16" -> DType.BF16;
            case "i8" -> DType.INT8;
            case "i16" -> DType.INT16;
            case "i32" -> DType.INT32;
            case "i64" -> DType.INT64;
            case "u8" -> DType.UINT8;
            default -> throw error(t, "unknown literal suffix '" + suffix + "' in " + text
                    + " (use f, f16, bf16, i8, i16, i32, i64 or u8)");
        };
        if (dt.isFloat()) {
            float f = Float.parseFloat(num);
            if (dt == DType.FP32) return Constant.of(Tensor.ofFloats(new float[] {f}));
            return Constant.of(Tensor.scalar(dt, f));
        }
        if (!integral) throw error(t, "integer literal expected for suffix '" + suffix + "' but found " + text);
        try {
            return Constant.of(Tensor.scalarLong(dt, Long.parseLong(num)));
        } catch (IllegalArgumentException e) { // NumberFormatException (too long) or out of the dtype's range
            throw error(t, text + " does not fit " + dt);
        }
    }

    // ---- attribute values ----

    private AttrValue attrValue() {
        enter();
        try {
            Token t = peek();
            switch (t.kind()) {
                case NUMBER -> {
                    next();
                    if (!AttrsCodec.isReal(t.text())) {
                        throw error(t, "attribute numbers take no suffix, found " + t.text());
                    }
                    return new AttrValue.Num(t.text(), t.line(), t.column());
                }
                case STRING -> {
                    next();
                    return new AttrValue.Str(t.text(), t.line(), t.column());
                }
                case IDENT -> {
                    next();
                    return new AttrValue.Word(t.text(), t.line(), t.column());
                }
                case MINUS -> {
                    next();
                    Token w = expect(Kind.IDENT, "inf after '-'");
                    if (!w.text().equals("inf")) throw error(w, "expected inf after '-' but found " + w.describe());
                    return new AttrValue.Word("-inf", t.line(), t.column());
                }
                case LBRACKET -> {
                    next();
                    List<AttrValue> items = new ArrayList<>();
                    if (!at(Kind.RBRACKET)) {
                        do {
                            items.add(attrValue());
                        } while (accept(Kind.COMMA));
                    }
                    expect(Kind.RBRACKET, "']' or ',' in the list");
                    return new AttrValue.ListV(items, t.line(), t.column());
                }
                case LBRACE -> {
                    next();
                    Map<String, AttrValue> fields = new LinkedHashMap<>();
                    if (!at(Kind.RBRACE)) {
                        do {
                            Token k = expect(Kind.IDENT, "a field name");
                            expect(Kind.EQUALS, "'='");
                            if (fields.put(k.text(), attrValue()) != null) throw error(k, "field " + k.text() + " given twice");
                        } while (accept(Kind.COMMA));
                    }
                    expect(Kind.RBRACE, "'}' or ',' in the record");
                    return new AttrValue.RecordV(fields, t.line(), t.column());
                }
                default -> throw expected("an attribute value (number, string, word, [list] or {record})");
            }
        } finally {
            leave();
        }
    }

    // ---- types ----

    private Type type() {
        enter();
        try {
            Token t = peek();
            if (atWord("Tensor")) {
                next();
                expect(Kind.LBRACKET, "'[' after Tensor");
                List<Integer> shape = shape();
                expect(Kind.COMMA, "',' and a dtype");
                DType dt = dtype();
                expect(Kind.RBRACKET, "']' closing the tensor type");
                try {
                    return new TensorType(shape, dt);
                } catch (IllegalArgumentException e) {
                    throw error(t, e.getMessage());
                }
            }
            if (atWord("fn")) {
                next();
                expect(Kind.LPAREN, "'(' and parameter types");
                List<Type> ps = new ArrayList<>();
                if (!at(Kind.RPAREN)) {
                    do {
                        ps.add(type());
                    } while (accept(Kind.COMMA));
                }
                expect(Kind.RPAREN, "')' or ','");
                expect(Kind.ARROW, "'->' and the return type");
                return new FuncType(ps, type());
            }
            if (accept(Kind.LPAREN)) {
                List<Type> fs = new ArrayList<>();
                if (!at(Kind.RPAREN)) {
                    do {
                        if (at(Kind.RPAREN)) break;
                        fs.add(type());
                    } while (accept(Kind.COMMA));
                }
                expect(Kind.RPAREN, "')' or ',' in the tuple type");
                return new TupleType(fs);
            }
            if (at(Kind.IDENT) && DType.tryParse(t.text()) != null) {
                next();
                return TensorType.scalar(DType.tryParse(t.text()));
            }
            throw expected("a type (Tensor[(...), dtype], a tuple type (...) or fn (...) -> ...)");
        } finally {
            leave();
        }
    }

    private List<Integer> shape() {
        List<Integer> dims = new ArrayList<>();
        if (at(Kind.NUMBER)) {
            dims.add(dim(next()));
            return dims;
        }
        expect(Kind.LPAREN, "'(' and the shape");
        if (!at(Kind.RPAREN)) {
            do {
                if (at(Kind.RPAREN)) break;
                dims.add(dim(expect(Kind.NUMBER, "a dimension")));
            } while (accept(Kind.COMMA));
        }
        expect(Kind.RPAREN, "')' or ',' in the shape");
        return dims;
    }

    private int dim(Token t) {
        int d = smallInt(t, "dimension");
        if (d < 0) throw error(t, "dimension must be >= 0, found " + t.text());
        return d;
    }

    private DType dtype() {
        Token t = expect(Kind.IDENT, "a dtype (bool, int8, uint8, int16, int32, int64, float16, bfloat16, float32)");
        DType d = DType.tryParse(t.text());
        if (d == null) throw error(t, "unknown dtype '" + t.text() + "'; expected bool, int8, uint8, int16, int32, int64, float16, bfloat16 or float32");
        return d;
    }

    private int smallInt(Token t, String what) {
        if (!AttrsCodec.isInteger(t.text())) throw error(t, what + " must be an integer, found " + t.text());
        try {
            return Integer.parseInt(t.text());
        } catch (NumberFormatException e) {
            throw error(t, what + " " + t.text() + " is too large");
        }
    }

    // ---- metadata ----

    private void metadata() {
        expect(Kind.HASH, "'#'");
        expect(Kind.LBRACKET, "'['");
        expectWord("metadata");
        expect(Kind.RBRACKET, "']'");
        while (!at(Kind.EOF)) {
            Token m = peek();
            expectWord("meta");
            expect(Kind.LBRACKET, "'['");
            expectWord("Constant");
            expect(Kind.RBRACKET, "']'");
            expect(Kind.LBRACKET, "'['");
            int idx = smallInt(expect(Kind.NUMBER, "a constant index"), "constant index");
            expect(Kind.RBRACKET, "']'");
            expect(Kind.EQUALS, "'='");
            if (meta.containsKey(idx)) throw error(m, "meta[Constant][" + idx + "] is defined twice");
            meta.put(idx, constantDef());
            expect(Kind.SEMI, "';' after the constant");
        }
    }

    private Constant constantDef() {
        Token kind = expect(Kind.IDENT, "tensor(...), synthetic(...) or lazy(...)");
        if (kind.text().equals("elided")) {
            throw error(kind, "this constant was printed without its data (elided(...): a listing shows the data of"
                    + " small tensors only); load a file printed in full, e.g. as pimllm compile --dump-dir writes it");
        }
        if (!Set.of("tensor", "synthetic", "lazy").contains(kind.text())) {
            throw error(kind, "expected tensor(...), synthetic(...) or lazy(...) but found " + kind.describe());
        }
        expect(Kind.LPAREN, "'('");
        Token typeTok = peek();
        Type ty = type();
        if (!(ty instanceof TensorType tt)) throw error(typeTok, "a constant must have a tensor type, found " + ty);
        List<Token> values = null;
        TensorSource.Distribution dist = null;
        if (kind.text().equals("tensor")) {
            expect(Kind.COMMA, "',' and the values [..]");
            values = values();
        } else if (kind.text().equals("synthetic")) {
            expect(Kind.COMMA, "',' and a distribution (uniform, normal or fill)");
            Token d = expect(Kind.IDENT, "a distribution (uniform, normal or fill)");
            for (TensorSource.Distribution x : TensorSource.Distribution.values()) if (x.text().equals(d.text())) dist = x;
            if (dist == null) throw error(d, "unknown distribution '" + d.text() + "'; expected uniform, normal or fill");
        }
        Map<String, AttrValue> kv = new LinkedHashMap<>();
        while (accept(Kind.COMMA)) {
            Token k = expect(Kind.IDENT, "key=value");
            expect(Kind.EQUALS, "'='");
            if (kv.put(k.text(), attrValue()) != null) throw error(k, k.text() + " given twice");
        }
        expect(Kind.RPAREN, "')' or ',' closing " + kind.text() + "(...)");
        return switch (kind.text()) {
            case "tensor" -> {
                ConstFields f = AttrsCodec.build(ConstFields.class, null, kv, "tensor(...)", kind.line(), kind.column());
                yield Constant.of(materialize(tt, values, typeTok), f.name());
            }
            case "synthetic" -> {
                SyntheticFields f = AttrsCodec.build(SyntheticFields.class, null, kv, "synthetic(...)", kind.line(), kind.column());
                if (!Double.isFinite(f.scale())) throw error(kind, "synthetic(...) scale must be finite");
                yield Constant.synthetic(tt, f.seed(), dist, f.scale(), f.name());
            }
            default -> {
                LazyFields f = AttrsCodec.build(LazyFields.class, null, kv, "lazy(...)", kind.line(), kind.column());
                if (f.key() == null) throw error(kind, "lazy(...) needs key=\"...\"");
                yield new Constant(tt, new TensorSource.Lazy(f.key(), resolver.loader(f.key())), f.name());
            }
        };
    }

    /** Extra fields of {@code tensor(...)}. */
    record ConstFields(String name) {
    }

    /** Fields of {@code synthetic(...)}. */
    record SyntheticFields(long seed, double scale, String name) {
    }

    /** Fields of {@code lazy(...)}. */
    record LazyFields(String key, String name) {
    }

    private List<Token> values() {
        expect(Kind.LBRACKET, "'[' and the values");
        List<Token> vs = new ArrayList<>();
        if (!at(Kind.RBRACKET)) {
            do {
                Token t = peek();
                if (at(Kind.NUMBER) || at(Kind.IDENT)) {
                    vs.add(next());
                } else if (at(Kind.MINUS)) {
                    next();
                    Token w = expect(Kind.IDENT, "inf after '-'");
                    vs.add(new Token(Kind.IDENT, "-" + w.text(), t.line(), t.column()));
                } else {
                    throw expected("a value");
                }
            } while (accept(Kind.COMMA));
        }
        expect(Kind.RBRACKET, "']' or ',' in the values");
        return vs;
    }

    private Tensor materialize(TensorType tt, List<Token> values, Token at) {
        if (tt.numElements() != values.size()) {
            throw error(at, "the type " + tt + " has " + tt.numElements() + " elements but " + values.size() + " values are given");
        }
        Tensor t = Tensor.zeros(tt);
        DType dt = tt.dtype();
        for (int i = 0; i < values.size(); i++) {
            Token v = values.get(i);
            String s = v.text();
            if (dt.isFloat()) {
                float f = switch (s) {
                    case "inf" -> Float.POSITIVE_INFINITY;
                    case "-inf" -> Float.NEGATIVE_INFINITY;
                    case "nan" -> Float.NaN;
                    default -> {
                        if (!AttrsCodec.isReal(s)) throw error(v, "expected a " + dt + " value but found " + v.describe());
                        yield Float.parseFloat(s);
                    }
                };
                if (dt == DType.FP32) t.floats()[i] = f; else t.setDouble(i, f);
            } else {
                long x;
                if (dt == DType.BOOL && (s.equals("true") || s.equals("false"))) {
                    x = s.equals("true") ? 1 : 0;
                } else {
                    if (!AttrsCodec.isInteger(s)) throw error(v, "expected a " + dt + " value but found " + v.describe());
                    try {
                        x = Long.parseLong(s);
                    } catch (NumberFormatException e) {
                        throw error(v, s + " does not fit " + dt);
                    }
                }
                try {
                    t.setLong(i, x);
                } catch (IllegalArgumentException e) {
                    throw error(v, e.getMessage());
                }
            }
        }
        return t;
    }
}
