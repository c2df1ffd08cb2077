package io.github.flowisesso.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven through chromedriver: the pages people see, in a real browser. Screenshots go to
 * {@code target/screenshots}. Without Chromium the tests are skipped, unless {@code -Dchromium.required=true}
 * (CI), where its absence is a failure.
 */
public final class Chromium implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path screenshots;

    private Chromium(ChromeDriver driver, Path screenshots) {
        this.driver = driver;
        this.screenshots = screenshots;
    }

    public static Chromium start(String language) {
        boolean installed = Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
        if (!Boolean.getBoolean("chromium.required")) {
            Assumptions.assumeTrue(installed, "Chromium not installed (apt-get install chromium chromium-driver)");
        } else if (!installed) {
            throw new IllegalStateException("Chromium and chromedriver are required: apt-get install chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--window-size=1280,900", "--lang=" + language);
        options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", language));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        Path dir = Path.of(System.getProperty("keycloak.dist.dir")).getParent().resolve("screenshots");
        return new Chromium(new ChromeDriver(service, options), dir);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Lets the page download files, into a new folder under {@code target/downloads}; returns that folder. */
    public Path allowDownloads() {
        try {
            Path dir = Files.createDirectories(screenshots.getParent().resolve("downloads"));
            Path mine = Files.createTempDirectory(dir, "chromium-");
            driver.executeCdpCommand("Browser.setDownloadBehavior",
                java.util.Map.of("behavior", "allow", "downloadPath", mine.toAbsolutePath().toString()));
            return mine;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path screenshot(String name) {
        try {
            Files.createDirectories(screenshots);
            Path file = screenshots.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
