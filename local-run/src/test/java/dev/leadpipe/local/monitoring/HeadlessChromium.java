package dev.leadpipe.local.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's headless Chromium ({@code chromium} on the PATH, else {@code /usr/bin/chromium}) driven through its
 * {@code chromedriver} by Selenium WebDriver, for looking at pages the services serve on localhost: open a URL, read
 * elements' visible text, take full-page and element screenshots (PNG, under {@code target/screenshots/}). The
 * driver and the browser binary are set explicitly, so Selenium Manager never looks for or downloads anything; each
 * instance uses a fresh profile directory, deleted on {@link #close()}.
 */
public final class HeadlessChromium implements AutoCloseable {
    /** Where screenshots go, relative to the working directory (the module's directory under Maven). */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /** Selenium warns that it has no CDP client for this Chromium: we use no DevTools connection, only chromedriver's. */
    private static final java.util.logging.Logger DEVTOOLS_LOG =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        DEVTOOLS_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    private final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, ChromeDriverService service, Path profile) {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
    }

    /** Starts chromedriver and a headless Chromium with a 1280x1000 window. */
    public static HeadlessChromium start() throws IOException {
        Path browser = TestTools.locate("chromium", "/usr/bin/chromium");
        Path chromedriver = TestTools.locate("chromedriver", "/usr/bin/chromedriver");
        Path profile = Files.createTempDirectory("leadpipe-chromium-profile-");
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,1000",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(SCREENSHOTS.resolve("chromedriver.log").toFile())
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return new HeadlessChromium(driver, service, profile);
        } catch (RuntimeException e) {
            service.stop();
            PrometheusServer.deleteRecursively(profile);
            throw new IllegalStateException(
                    "cannot start headless " + browser + " through " + chromedriver + " (log: "
                            + SCREENSHOTS.resolve("chromedriver.log").toAbsolutePath() + ")",
                    e);
        }
    }

    /** Loads {@code url} and waits for the document to be complete. */
    public HeadlessChromium open(String url) {
        driver.get(url);
        return this;
    }

    /**
     * Waits until an element matches {@code css} (a page whose script loads its content), failing with the page's
     * text after {@code timeout}.
     */
    public WebElement awaitElement(String css, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (findAll(css).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return find(css);
    }

    /** The elements matching a CSS selector (none: empty). */
    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The first element matching a CSS selector; fails naming the selector and the page when there is none. */
    public WebElement find(String css) {
        List<WebElement> found = findAll(css);
        if (found.isEmpty()) {
            throw new AssertionError(
                    "no element matches " + css + " on " + driver.getCurrentUrl() + "; page text:\n" + pageText());
        }
        return found.get(0);
    }

    /** The visible text of the first element matching {@code css} (as a user sees it: hidden parts excluded). */
    public String text(String css) {
        return find(css).getText();
    }

    /** The visible texts of every element matching {@code css}. */
    public List<String> texts(String css) {
        return findAll(css).stream().map(WebElement::getText).toList();
    }

    /** Whether the first element matching {@code css} is displayed (false when none matches). */
    public boolean displayed(String css) {
        List<WebElement> found = findAll(css);
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    /** The visible text of the whole page. */
    public String pageText() {
        return driver.findElement(By.tagName("body")).getText();
    }

    public String title() {
        return driver.getTitle();
    }

    /** A PNG of the whole page, beyond the window's height, saved as target/screenshots/{name}.png. */
    public Path screenshot(String name) {
        byte[] png;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> metrics =
                    (Map<String, Object>) (Map<?, ?>) driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            @SuppressWarnings("unchecked")
            Map<String, Object> size =
                    (Map<String, Object>) metrics.getOrDefault("cssContentSize", metrics.get("contentSize"));
            double width = ((Number) size.get("width")).doubleValue();
            double height = ((Number) size.get("height")).doubleValue();
            Map<String, Object> result = driver.executeCdpCommand(
                    "Page.captureScreenshot",
                    Map.of(
                            "format",
                            "png",
                            "captureBeyondViewport",
                            true,
                            "fromSurface",
                            true,
                            "clip",
                            Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
            png = Base64.getDecoder().decode((String) result.get("data"));
        } catch (RuntimeException e) {
            png = driver.getScreenshotAs(OutputType.BYTES); // the window only
        }
        return save(name, png);
    }

    /** A PNG of the first element matching {@code css}, saved as target/screenshots/{name}.png. */
    public Path screenshot(String css, String name) {
        return save(name, find(css).getScreenshotAs(OutputType.BYTES));
    }

    /** The underlying Selenium driver, for anything else. */
    public ChromeDriver driver() {
        return driver;
    }

    private static Path save(String name, byte[] png) {
        Path file = SCREENSHOTS.resolve(name.endsWith(".png") ? name : name + ".png");
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            PrometheusServer.deleteRecursively(profile);
        }
    }
}
