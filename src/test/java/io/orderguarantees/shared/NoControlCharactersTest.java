package io.orderguarantees.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The hand-written scan says what the regular expression it replaced says, on strings made to hit its edges. */
class NoControlCharactersTest {

    private static final Pattern REPLACED = Pattern.compile("[^\\p{Cntrl}\\p{Cs}]*");
    private static final int[] EDGES = { 0x00, 0x09, 0x1F, 0x20, 'a', 0x7E, 0x7F, 0x80, 0x9F, 0xA0, 0xD7FF, 0xD800,
            0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFFFD, 0xFFFF, 0x1F600, 0x10FFFF };

    @Test
    void agreesWithTheRegularExpression() {
        Random random = new Random(42);
        for (int n = 0; n < 200_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int length = random.nextInt(6); length > 0; length--) {
                int codePoint = EDGES[random.nextInt(EDGES.length)];
                if (codePoint >= 0xD800 && codePoint <= 0xDFFF) {
                    text.append((char) codePoint); // a lone surrogate, or half of a pair with the next one
                } else {
                    text.appendCodePoint(codePoint);
                }
            }
            String value = text.toString();
            assertThat(NoControlCharacters.Validator.valid(value)).as("%s", value.codePoints().boxed().toList())
                    .isEqualTo(REPLACED.matcher(value).matches());
        }
    }
}
