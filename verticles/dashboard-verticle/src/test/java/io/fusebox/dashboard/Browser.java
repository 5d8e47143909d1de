package io.fusebox.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium through Debian's chromedriver (no driver download).
 * {@code FUSEBOX_CHROMIUM} and {@code FUSEBOX_CHROMEDRIVER} override where they are.
 */
final class Browser implements AutoCloseable {

  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  final WebDriver driver;

  Browser() throws IOException {
    String chromium = System.getenv().getOrDefault("FUSEBOX_CHROMIUM", "/usr/bin/chromium");
    String chromedriver = System.getenv().getOrDefault("FUSEBOX_CHROMEDRIVER", "/usr/bin/chromedriver");
    for (String binary : new String[] {chromium, chromedriver}) {
      if (!new File(binary).canExecute()) {
        throw new AssertionError(binary + " is missing: apt-get install chromium chromium-driver (.ci/run does it), "
            + "or point FUSEBOX_CHROMIUM / FUSEBOX_CHROMEDRIVER at them");
      }
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")).toAbsolutePath(), "chrome-profile");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1400,1000", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  <T> T await(Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).until(condition);
  }

  /**
   * Types {@code text} into an empty {@code field} and waits until the page holds all of it:
   * Chromium applies keystrokes asynchronously, and a busy page (a render pass, on a loaded 2-core
   * machine) may still be taking them when the next step clicks elsewhere, which then gets the rest.
   */
  void type(WebElement field, String text) {
    field.sendKeys(text);
    await(Duration.ofSeconds(5), d -> text.equals(field.getDomProperty("value")));
  }

  void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
