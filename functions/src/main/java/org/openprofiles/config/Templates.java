package org.openprofiles.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openprofiles.model.ObjectType;

/**
 * The built-in object type templates (resources {@code templates/<TemplateId>.json}), validated by
 * the same rules as a domain's own types. A type with {@code TemplateId} takes its mapping from here;
 * ListProfileObjectTypeTemplates and GetProfileObjectTypeTemplate show them.
 */
public final class Templates {
    static final List<String> IDS = List.of("CTR", "CTR-NoInferred", "CTR-AutoAssociateOnly");
    /** What the templates read, as ListProfileObjectTypeTemplates names it (this project's labels: AWS publishes none). */
    public static final String SOURCE_NAME = "Connect";
    public static final String SOURCE_OBJECT = "CTR";

    /**
     * One template as the API shows it.
     *
     * @param definition the template file: Description, AllowProfileCreation, Fields and Keys as written
     */
    public record Template(String templateId, String sourceName, String sourceObject, Map<String, Object> definition) {}

    private static final Map<String, Template> DEFINITIONS = new LinkedHashMap<>();
    private static final Map<String, ObjectType> BUILT_IN = load();

    private Templates() {}

    public static Map<String, ObjectType> builtIn() {
        return BUILT_IN;
    }

    /** Every template, in TemplateId order of the list above. */
    public static List<Template> all() {
        return List.copyOf(DEFINITIONS.values());
    }

    /** A template by id, or null. */
    public static Template get(String templateId) {
        return DEFINITIONS.get(templateId);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ObjectType> load() {
        Map<String, ObjectType> templates = new LinkedHashMap<>();
        for (String id : IDS) {
            String file = "templates/" + id + ".json";
            try (InputStream in = Templates.class.getClassLoader().getResourceAsStream(file)) {
                if (in == null) throw new DomainConfigException(file + ": missing from the classpath");
                Object definition = DomainLoader.parseJson(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                templates.put(id, MappingRules.objectType(file, id, definition, Map.of()));
                DEFINITIONS.put(id, new Template(id, SOURCE_NAME, SOURCE_OBJECT, (Map<String, Object>) definition));
            } catch (IOException e) {
                throw new DomainConfigException(file + ": cannot be read: " + e.getMessage());
            }
        }
        return Map.copyOf(templates);
    }
}
