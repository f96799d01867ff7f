package org.openprofiles.mapping;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openprofiles.json.Json;

/**
 * A field's Source, compiled once per container: a {@code _source.} accessor, or a template in
 * the Handlebars subset AWS documents for mappings ({@code {{path}}}, {@code #if}/{@code #unless} with
 * {@code else}, {@code #each} with {@code this} and {@code @index}, {@code #with}, and the block
 * helper {@code #removeExtraSpace}). Paths address array elements as {@code a.0.b} or {@code a[0].b}.
 * Values are data, not HTML: nothing is escaped. A path starts at {@code _source} (the object),
 * which it may do anywhere; inside #each and #with it may instead be relative to the current
 * element ({@code number}, {@code this.number}, {@code this}). Anywhere else a relative path could
 * only ever be empty, so it is refused as a mistake.
 */
public final class SourceExpression {
    static final String ROOT = "_source";
    static final int MAX_BLOCK_DEPTH = 32;
    private static final Pattern ACCESSOR = Pattern.compile("_source(\\.[^.\\s{}\\[\\]]+|\\[\\d+\\])*");
    private static final Pattern PATH = Pattern.compile("(@index|@key|this|[A-Za-z0-9_$-]+(\\[\\d+\\])*)"
            + "(\\.[A-Za-z0-9_$-]+(\\[\\d+\\])*|\\[\\d+\\])*");

    private final List<Node> nodes;

    private SourceExpression(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** @throws IllegalArgumentException naming the problem, for a Source that is not valid */
    public static SourceExpression compile(String source) {
        if (source == null || source.isBlank()) throw new IllegalArgumentException("Source is empty");
        if (!source.contains("{{")) {
            if (!ACCESSOR.matcher(source).matches()) {
                throw new IllegalArgumentException("Source '" + source + "' is neither a _source. accessor nor a template");
            }
            return new SourceExpression(List.of(new Output(Path.parse(source))));
        }
        Parser parser = new Parser(tokenize(source));
        List<Node> nodes = parser.nodes(0, null);
        return new SourceExpression(nodes);
    }

    /** The field's value for one object: "" when the path is missing or not a scalar. */
    public String evaluate(Map<String, Object> object) {
        StringBuilder out = new StringBuilder();
        Scope root = new Scope(Map.of(ROOT, object), null, null, null);
        for (Node node : nodes) node.render(root, out);
        return out.toString();
    }

    // ---- evaluation -----------------------------------------------------------------------------

    /** The current context of a template, with the root for {@code _source} and #each's position. */
    private record Scope(Object context, Object rootContext, Integer index, String key) {
        Object root() { return rootContext == null ? context : rootContext; }

        Scope child(Object newContext, Integer newIndex, String newKey) {
            return new Scope(newContext, root(), newIndex, newKey);
        }
    }

    private sealed interface Node permits Text, Output, Block {
        void render(Scope scope, StringBuilder out);
    }

    private record Text(String text) implements Node {
        public void render(Scope scope, StringBuilder out) { out.append(text); }
    }

    private record Output(Path path) implements Node {
        public void render(Scope scope, StringBuilder out) { out.append(scalar(path.resolve(scope))); }
    }

    private record Block(String helper, Path path, List<Node> body, List<Node> otherwise) implements Node {
        public void render(Scope scope, StringBuilder out) {
            switch (helper) {
                case "if" -> renderAll(truthy(path.resolve(scope)) ? body : otherwise, scope, out);
                case "unless" -> renderAll(truthy(path.resolve(scope)) ? otherwise : body, scope, out);
                case "with" -> {
                    Object value = path.resolve(scope);
                    if (truthy(value)) renderAll(body, scope.child(value, scope.index(), scope.key()), out);
                    else renderAll(otherwise, scope, out);
                }
                case "each" -> {
                    Object value = path.resolve(scope);
                    boolean any = false;
                    if (value instanceof List<?> list) {
                        for (int i = 0; i < list.size(); i++, any = true) renderAll(body, scope.child(list.get(i), i, null), out);
                    } else if (value instanceof Map<?, ?> map) {
                        int i = 0;
                        for (Map.Entry<?, ?> e : map.entrySet()) {
                            renderAll(body, scope.child(e.getValue(), i++, (String) e.getKey()), out);
                            any = true;
                        }
                    }
                    if (!any) renderAll(otherwise, scope, out);
                }
                case "removeExtraSpace" -> {
                    StringBuilder inner = new StringBuilder();
                    renderAll(body, scope, inner);
                    out.append(Normaliser.collapseWhitespace(inner.toString()));
                }
                default -> throw new IllegalStateException("unknown helper " + helper);
            }
        }

        private static void renderAll(List<Node> nodes, Scope scope, StringBuilder out) {
            for (Node node : nodes) node.render(scope, out);
        }
    }

    /** A dotted path; the first segment may be {@code _source}, {@code this}, {@code @index} or {@code @key}. */
    private record Path(List<String> segments) {
        static Path parse(String text) {
            List<String> segments = new ArrayList<>();
            for (String part : text.replace("[", ".").replace("]", "").split("\\.")) {
                if (part.isEmpty()) throw new IllegalArgumentException("path '" + text + "' has an empty segment");
                segments.add(part);
            }
            return new Path(List.copyOf(segments));
        }

        Object resolve(Scope scope) {
            String first = segments.get(0);
            Object value;
            int from = 1;
            switch (first) {
                case "@index" -> { return scope.index() == null ? null : new Json.JsonNumber(scope.index().toString()); }
                case "@key" -> { return scope.key(); }
                case "this" -> value = scope.context();
                case ROOT -> value = ((Map<?, ?>) scope.root()).get(ROOT);
                default -> { value = scope.context(); from = 0; }
            }
            for (int i = from; i < segments.size() && value != null; i++) value = step(value, segments.get(i));
            return value;
        }

        private static Object step(Object value, String segment) {
            if (value instanceof Map<?, ?> map) return map.get(segment);
            if (value instanceof List<?> list && segment.chars().allMatch(Character::isDigit) && segment.length() < 10) {
                int i = Integer.parseInt(segment);
                return i < list.size() ? list.get(i) : null;
            }
            return null;
        }
    }

    static String scalar(Object value) {
        if (value instanceof String s) return s;
        if (value instanceof Json.JsonNumber || value instanceof Boolean) return value.toString();
        return "";
    }

    static boolean truthy(Object value) {
        if (value == null || value == Json.NULL || Boolean.FALSE.equals(value)) return false;
        if (value instanceof String s) return !s.isEmpty();
        if (value instanceof List<?> list) return !list.isEmpty();
        if (value instanceof Json.JsonNumber n) {
            try {
                return new BigDecimal(n.text()).signum() != 0;
            } catch (NumberFormatException e) {
                return true;
            }
        }
        return true;
    }

    // ---- parsing ----------------------------------------------------------------------------------

    private record Token(boolean tag, String text) {}

    private static List<Token> tokenize(String source) {
        List<Token> tokens = new ArrayList<>();
        int pos = 0;
        while (pos < source.length()) {
            int open = source.indexOf("{{", pos);
            if (open < 0) {
                tokens.add(new Token(false, source.substring(pos)));
                break;
            }
            if (open > pos) tokens.add(new Token(false, source.substring(pos, open)));
            boolean triple = source.startsWith("{{{", open);
            String closing = triple ? "}}}" : "}}";
            int close = source.indexOf(closing, open + closing.length());
            if (close < 0) throw new IllegalArgumentException("unterminated '{{' at position " + open);
            String content = source.substring(open + closing.length(), close).strip();
            if (content.isEmpty()) throw new IllegalArgumentException("empty tag at position " + open);
            if (content.contains("{{") || content.contains("}")) {
                throw new IllegalArgumentException("malformed tag at position " + open);
            }
            tokens.add(new Token(true, content));
            pos = close + closing.length();
        }
        return tokens;
    }

    private static final class Parser {
        private final List<Token> tokens;
        private int pos;
        private boolean sawElse;
        /** How many #each/#with blocks enclose the tag being parsed: relative paths need one. */
        private int contexts;

        Parser(List<Token> tokens) { this.tokens = tokens; }

        /** Nodes until {{/closing}} (or {{else}} inside a block), or the end when closing is null. */
        List<Node> nodes(int depth, String closing) {
            List<Node> nodes = new ArrayList<>();
            while (pos < tokens.size()) {
                Token token = tokens.get(pos++);
                if (!token.tag()) {
                    nodes.add(new Text(token.text()));
                    continue;
                }
                String tag = token.text();
                if (tag.startsWith("/")) {
                    String name = tag.substring(1).strip();
                    if (!name.equals(closing)) {
                        throw new IllegalArgumentException("'{{/" + name + "}}' closes " + (closing == null ? "nothing" : "'" + closing + "'"));
                    }
                    return nodes;
                }
                if (tag.equals("else")) {
                    if (closing == null || closing.equals("removeExtraSpace")) {
                        throw new IllegalArgumentException("'{{else}}' outside an #if, #unless, #each or #with block");
                    }
                    sawElse = true;
                    return nodes;
                }
                if (tag.startsWith("#")) {
                    nodes.add(block(tag.substring(1).strip(), depth + 1));
                } else {
                    nodes.add(new Output(path(tag)));
                }
            }
            if (closing != null) throw new IllegalArgumentException("block '#" + closing + "' is not closed");
            return nodes;
        }

        private Block block(String opening, int depth) {
            if (depth > MAX_BLOCK_DEPTH) throw new IllegalArgumentException("blocks nest deeper than " + MAX_BLOCK_DEPTH);
            String[] parts = opening.split("\\s+");
            String helper = parts[0];
            switch (helper) {
                case "removeExtraSpace" -> {
                    if (parts.length != 1) throw new IllegalArgumentException("#removeExtraSpace takes no argument");
                    return new Block(helper, null, nodes(depth, helper), List.of());
                }
                case "if", "unless", "each", "with" -> {
                    if (parts.length != 2) throw new IllegalArgumentException("#" + helper + " takes exactly one path");
                    Path path = path(parts[1]);
                    boolean newContext = helper.equals("each") || helper.equals("with");
                    boolean outerElse = sawElse;
                    sawElse = false;
                    if (newContext) contexts++;
                    List<Node> body = nodes(depth, helper);
                    if (newContext) contexts--;
                    List<Node> otherwise = List.of();
                    if (sawElse) {
                        sawElse = false;
                        otherwise = nodes(depth, helper);
                        if (sawElse) throw new IllegalArgumentException("#" + helper + " has more than one '{{else}}'");
                    }
                    sawElse = outerElse;
                    return new Block(helper, path, body, otherwise);
                }
                default -> throw new IllegalArgumentException("unknown helper '#" + helper + "'");
            }
        }

        private Path path(String text) {
            if (!PATH.matcher(text).matches()) throw new IllegalArgumentException("'" + text + "' is not a path");
            Path path = Path.parse(text);
            if (contexts == 0 && !path.segments().get(0).equals(ROOT)) {
                throw new IllegalArgumentException("'" + text + "' must start with " + ROOT + " outside #each and #with");
            }
            return path;
        }
    }
}
