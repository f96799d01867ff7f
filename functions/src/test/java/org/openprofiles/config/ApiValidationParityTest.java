package org.openprofiles.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openprofiles.testing.Events;
import org.openprofiles.testing.LocalDynamo;
import org.openprofiles.testing.Node;

/**
 * One validation: every object type a domain file is refused for, PutProfileObjectType refuses
 * with a 400 BadRequestException carrying the same words (only the file name is not there).
 */
class ApiValidationParityTest {
    static Node node;

    @BeforeAll
    static void domain() {
        node = new Node(LocalDynamo.newTable());
        assertEquals(200, node.createDomain("D").getStatusCode());
    }

    static Stream<Arguments> brokenTypes() {
        return MappingRulesTest.brokenTypes();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTypes")
    void theApiRefusesWhatAFileIsRefusedForInTheSameWords(String why, String definition, String problem) {
        DomainConfigException file = assertThrows(DomainConfigException.class,
                () -> DomainLoader.parse("D.json", MappingRulesTest.domain("T", definition)));
        APIGatewayProxyResponseEvent api = node.putType("D", "T", definition);
        assertEquals(400, api.getStatusCode(), api.getBody());
        assertEquals("BadRequestException", api.getHeaders().get("x-amzn-ErrorType"));
        assertEquals(file.getMessage().replace("D.json: object type 'T': ", "Object type 'T': "), Events.body(api).get("Message"));
    }
}
