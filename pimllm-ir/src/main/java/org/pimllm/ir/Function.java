package org.pimllm.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A function: parameters, a body, the return type and string attributes (e.g. a
 * {@code "Composite"} marker set by a partitioning pass). The return type defaults to the
 * body's type; if given it must equal it.
 */
public record Function(List<Var> params, Expr body, Type retType, Map<String, String> attrs) implements Expr {

    public Function {
        params = List.copyOf(params);
        Objects.requireNonNull(body, "body");
        if (retType == null) {
            retType = body.type();
        } else if (!retType.equals(body.type())) {
            throw new TypeCheckException("function declares return type " + retType + " but its body has type " + body.type());
        }
        attrs = attrs == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(attrs));
    }

    public Function(List<Var> params, Expr body) { this(params, body, null, null); }

    /** The function's type: parameter types to return type. */
    @Override
    public FuncType type() {
        List<Type> ps = new ArrayList<>(params.size());
        for (Var v : params) ps.add(v.type());
        return new FuncType(ps, retType);
    }

    public Function withBody(Expr newBody) { return new Function(params, newBody, null, attrs); }

    public Function withAttr(String key, String value) {
        Map<String, String> m = new TreeMap<>(attrs);
        m.put(key, value);
        return new Function(params, body, retType, m);
    }

    @Override
    public boolean equals(Object o) { return this == o; }

    @Override
    public int hashCode() { return System.identityHashCode(this); }

    @Override
    public String toString() { return "Function(" + params.size() + " params): " + type(); }
}
