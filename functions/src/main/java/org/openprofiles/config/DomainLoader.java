package org.openprofiles.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.openprofiles.json.Json;
import org.openprofiles.model.Domain;
import org.openprofiles.model.ObjectType;

/**
 * Loads the domains: one file {@code domains/<DomainName>.json} per domain, kept in the repo and
 * deployed into the table by the data stack. Every problem stops loading (and `cdk synth`) with a
 * message naming the file, the type and the rule.
 */
public final class DomainLoader {
    static final String DIRECTORY = "domains";
    static final int DEFAULT_EXPIRATION_DAYS = 366;

    private DomainLoader() {}

    /** Every domain file shipped next to this class (the repo's domains/), parsed and validated. */
    public static Map<String, Domain> loadFromClasspath() {
        return parseAll(classpathFiles());
    }

    /** Domain files (file name → JSON text), parsed and validated; one broken file stops them all. */
    public static Map<String, Domain> parseAll(Map<String, String> files) {
        Map<String, Domain> domains = new TreeMap<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            Domain domain = parse(file.getKey(), file.getValue());
            domains.put(domain.name(), domain);
        }
        return domains;
    }

    /** One domain file. */
    public static Domain parse(String fileName, String json) {
        return parseFile(fileName, json).domain();
    }

    /**
     * A domain file, validated, with each object type's definition as written: what the file
     * applies (create-or-replace) through the same path as a PutProfileObjectType request.
     *
     * @param typeDefinitions       object type name → its definition (the body of a PutProfileObjectType request)
     * @param calculatedDefinitions calculated attribute name → its definition (the body of a CreateCalculatedAttributeDefinition
     *                              request); applied as create-or-replace, Amazon Connect's defaults left as they are
     */
    public record DomainFile(Domain domain, Map<String, Object> typeDefinitions, Map<String, Object> calculatedDefinitions) {}

    /** One domain file, with its object type definitions as written. */
    public static DomainFile parseFile(String fileName, String json) {
        if (!(parseJson(fileName, json) instanceof Map<?, ?> body)) throw new DomainConfigException(fileName + ": must be a JSON object");
        for (Object member : body.keySet()) {
            if (!List.of("DomainName", "DefaultExpirationDays", "ObjectTypes", "CalculatedAttributes").contains(member)) {
                throw new DomainConfigException(fileName + ": unknown member '" + member + "'");
            }
        }
        if (!(body.get("DomainName") instanceof String name) || !Names.valid(name, Names.NAME, Names.NAME_MIN, Names.NAME_MAX)) {
            throw new DomainConfigException(fileName + ": DomainName must match " + Names.NAME.pattern() + " (1 to 64 characters)");
        }
        if (!fileName.equals(name + ".json")) {
            throw new DomainConfigException(fileName + ": the file must be named after its DomainName (" + name + ".json)");
        }
        Object days = body.get("DefaultExpirationDays");
        int defaultDays = days == null ? DEFAULT_EXPIRATION_DAYS : MappingRules.days(days).orElseThrow(
                () -> new DomainConfigException(fileName + ": DefaultExpirationDays must be " + MappingRules.DAYS_RULE));
        if (!(body.get("ObjectTypes") instanceof Map<?, ?> types)) {
            throw new DomainConfigException(fileName + ": ObjectTypes must be a JSON object of object type definitions");
        }
        if (types.size() > MappingRules.MAX_TYPES_PER_DOMAIN) {
            throw new DomainConfigException(fileName + ": at most " + MappingRules.MAX_TYPES_PER_DOMAIN + " object types per domain");
        }
        Map<String, ObjectType> objectTypes = new LinkedHashMap<>();
        Map<String, Object> definitions = new LinkedHashMap<>();
        for (Map.Entry<?, ?> type : types.entrySet()) {
            String typeName = (String) type.getKey();
            ObjectType objectType = MappingRules.objectType(fileName, typeName, type.getValue(), Templates.builtIn());
            String conflict = KeyContentTypes.conflict(objectType, objectTypes);
            if (conflict != null) throw new DomainConfigException(fileName + ": object type '" + typeName + "': " + conflict);
            objectTypes.put(typeName, objectType);
            definitions.put(typeName, type.getValue());
        }
        Map<String, Object> calculatedDefinitions = new LinkedHashMap<>();
        Map<String, org.openprofiles.calculated.Definition> calculated = new TreeMap<>(DefaultCalculatedAttributes.ALL);
        Object section = body.get("CalculatedAttributes");
        if (section != null) {
            if (!(section instanceof Map<?, ?> entries)) {
                throw new DomainConfigException(fileName + ": CalculatedAttributes must be a JSON object of calculated attribute definitions");
            }
            for (Map.Entry<?, ?> entry : entries.entrySet()) {
                String attribute = (String) entry.getKey();
                try {
                    // The same rules as CreateCalculatedAttributeDefinition; the file's own types and the templates exist.
                    calculated.put(attribute, CalculatedAttributeRules.create(attribute, entry.getValue(),
                            type -> objectTypes.containsKey(type) || Templates.builtIn().containsKey(type), 0));
                } catch (DomainConfigException e) {
                    throw new DomainConfigException(fileName + ": calculated attribute '" + attribute + "': " + e.getMessage());
                }
                calculatedDefinitions.put(attribute, entry.getValue());
            }
            if (calculated.size() > CalculatedAttributeRules.MAX_PER_DOMAIN) {
                throw new DomainConfigException(fileName + ": at most " + CalculatedAttributeRules.MAX_PER_DOMAIN
                        + " calculated attributes per domain, Amazon Connect's " + DefaultCalculatedAttributes.ALL.size() + " defaults included");
            }
        }
        return new DomainFile(new Domain(name, defaultDays, objectTypes, Templates.builtIn(), calculated),
                Collections.unmodifiableMap(definitions), Collections.unmodifiableMap(calculatedDefinitions));
    }

    /**
     * One object type definition from a PutProfileObjectType request (the parsed body), validated by
     * exactly the rules a domain file obeys. Messages start with "Object type '<name>': ".
     *
     * @throws DomainConfigException naming the member and the rule
     */
    public static ObjectType objectType(String typeName, Object definition) {
        return MappingRules.objectType(null, typeName, definition, Templates.builtIn());
    }

    /** DefaultExpirationDays and ExpirationDays: a plain whole number of days in the model's range, or empty. */
    public static java.util.OptionalInt expirationDays(Object value) {
        return MappingRules.days(value);
    }

    /** How {@link #expirationDays} words its rule. */
    public static final String EXPIRATION_DAYS_RULE = MappingRules.DAYS_RULE;

    /** The quota on object types per domain, for files and PutProfileObjectType alike. */
    public static final int MAX_TYPES_PER_DOMAIN = MappingRules.MAX_TYPES_PER_DOMAIN;

    static Object parseJson(String fileName, String json) {
        try {
            return Json.parseStrict(json);
        } catch (Json.ParseException e) {
            throw new DomainConfigException(fileName + ": not valid JSON: " + e.getMessage());
        }
    }

    /** File name → content of every domains/*.json where this class was loaded from: a classes directory or a jar. */
    public static Map<String, String> classpathFiles() {
        try {
            return filesAt(Path.of(DomainLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException e) {
            throw new DomainConfigException("domains: cannot be listed: " + e.getMessage());
        }
    }

    /** The domain files under {@code location}, a classes directory (tests) or a jar (the shaded function jar). */
    static Map<String, String> filesAt(Path location) {
        Map<String, String> files = new TreeMap<>();
        try {
            if (Files.isDirectory(location)) {
                Path directory = location.resolve(DIRECTORY);
                if (!Files.isDirectory(directory)) return files;
                try (Stream<Path> paths = Files.list(directory)) {
                    for (Path path : paths.filter(p -> p.toString().endsWith(".json")).toList()) {
                        files.put(path.getFileName().toString(), Files.readString(path, StandardCharsets.UTF_8));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    for (JarEntry entry : Collections.list(jar.entries())) {
                        String name = entry.getName();
                        if (name.startsWith(DIRECTORY + "/") && name.endsWith(".json") && name.indexOf('/', DIRECTORY.length() + 1) < 0) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                files.put(name.substring(DIRECTORY.length() + 1), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new DomainConfigException("domains: cannot be listed: " + e.getMessage());
        }
        return files;
    }
}
