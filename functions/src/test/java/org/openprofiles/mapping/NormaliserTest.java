package org.openprofiles.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openprofiles.model.ContentType;

class NormaliserTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "+1 (206) 345-7890|+12063457890",
            "206-345-7890|+12063457890",
            "2063457890|+12063457890",
            "+12063457890|+12063457890",
            "12063457890|+12063457890",
            "+15551234567|+15551234567",
            "(555)-123-4567|+15551234567",
            "+44 20 7946 0958|+442079460958",
            "0044 20 7946 0958|+442079460958",
            "020 7946 0958|02079460958",
            "ext. none|''",
            "'   '|''"})
    void phoneNumbersIgnoreFormatting(String raw, String expected) {
        assertEquals(expected, Normaliser.normalise(ContentType.PHONE_NUMBER, raw));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EMAIL_ADDRESS| John.Smith@Example.COM |john.smith@example.com",
            "NAME|  John   SMITH |john smith",
            "NUMBER|27.0|27",
            "NUMBER|0.00|0",
            "NUMBER|1e3|1000",
            "NUMBER| twelve |twelve",
            "STRING|' Exact Case '|' Exact Case '"})
    void otherContentTypes(ContentType type, String raw, String expected) {
        assertEquals(expected, Normaliser.normalise(type, raw));
    }
}
