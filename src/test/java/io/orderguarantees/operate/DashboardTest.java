package io.orderguarantees.operate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.orderguarantees.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The dashboard at {@code /} in a real headless Chromium (Debian's, through its chromedriver): an order sent from
 * the page is shown acknowledged and billed by the four pipelines, from the live feed. A screenshot is kept in
 * {@code target/dashboard.png}.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class DashboardTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TestHTTPResource("/")
    URL page;

    @Test
    void anAsyncOrderSentFromThePageIsAcknowledgedAndBilledOnThePage() throws IOException {
        ChromeDriver browser = chromium();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            // the page takes its token from the address, as a sign-in redirect would hand it over
            String token = TestTokens.allRoles().substring("Bearer ".length());
            browser.get(page + "#token=" + token);
            wait.until(b -> "open".equals(b.findElement(By.id("feed-status")).getDomAttribute("data-state")));
            assertThat(browser.getCurrentUrl()).as("the token is taken out of the address").doesNotContain("token");

            new Select(browser.findElement(By.id("acks"))).selectByValue("all");
            new Select(browser.findElement(By.id("send"))).selectByValue("async");
            browser.findElement(By.id("send-order")).click();

            WebElement order = wait.until(b -> b.findElements(By.cssSelector("#orders tbody tr")).stream().findFirst()
                    .orElse(null));
            wait.until(b -> order.findElement(By.className("outcome")).getText().equals("ACKED"));
            wait.until(b -> order.findElement(By.className("billed")).getText()
                    .equals("at-least-once, at-most-once, exactly-once, ledger"));
            assertThat(order.findElement(By.className("id")).getText()).startsWith("web-");
            assertThat(order.findElement(By.className("offset")).getText()).matches("\\d+");
            assertThat(browser.findElement(By.cssSelector("#billing tr[data-pipeline='exactly-once'] .written"))
                    .getText()).isNotEqualTo("0");
            wait.until(b -> b.findElement(By.cssSelector("#billing tr[data-pipeline='exactly-once'] .invoices"))
                    .getText().matches("[1-9]\\d*"));
            // each pipeline's small charts: a sample a second, the rate and the consumer's lag as Kafka reports it
            wait.until(b -> b.findElement(By.cssSelector("#billing tr[data-pipeline='at-least-once'] polyline.rate"))
                    .getDomAttribute("points").split(" ").length >= 3);
            assertThat(browser.findElement(By.cssSelector("#billing tr[data-pipeline='at-least-once'] .pace-now"))
                    .getText()).matches("\\d+/s, lag \\d+");
        } finally {
            // kept whether the test passed or not: what the page showed at the end
            File screenshot = browser.getScreenshotAs(OutputType.FILE);
            Files.copy(screenshot.toPath(), Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
            browser.quit();
        }
    }

    private static ChromeDriver chromium() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the dashboard test needs Debian's Chromium and its driver: "
                    + "apt-get install chromium chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + ")");
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless",
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1280,1400");
        return new ChromeDriver(service, options);
    }
}
