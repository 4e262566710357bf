package io.orderguarantees;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.DevMode;

/**
 * The README's two commands are the contract: the first is the dev command {@code DevModeIT} runs, the second is
 * the test command, and CI runs exactly that one.
 */
class ReadmeCommandsTest {

    @Test
    void readmeGivesTheDevCommandThenTheTestCommand() {
        List<List<String>> commands = DevMode.readmeCommands();
        assertThat(commands).hasSize(2);
        assertThat(commands.get(0)).containsExactly("./mvnw", "quarkus:dev");
        assertThat(commands.get(1)).containsExactly("./verify");
    }

    @Test
    void ciRunsTheReadmeTestCommandAndItRunsEveryTest() throws IOException {
        String testCommand = String.join(" ", DevMode.readmeCommands().get(1));
        assertThat(Path.of(testCommand)).isExecutable();
        assertThat(Files.readString(Path.of(".ci", "run"))).contains("if ! " + testCommand + "; then");
        assertThat(Files.readString(Path.of(testCommand))).contains("exec ./mvnw -B verify \"$@\"")
                .doesNotContain("-DskipTests").doesNotContain("-Dtest=");
    }
}
