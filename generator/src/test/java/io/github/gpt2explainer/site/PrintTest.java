package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Pdf;
import org.openqa.selenium.print.PageMargin;
import org.openqa.selenium.print.PageSize;
import org.openqa.selenium.print.PrintOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A prompt page printed to PDF (A4 and Letter) is readable: its title and prompt are there, nothing cut off. */
@Tag("browser")
class PrintTest {

    private static final String TITLE_EN = "A fact";
    private static final String TITLE_ZH = "一个事实";
    private static final String PROMPT = "The Eiffel Tower is located in the city of";

    private static Path page(String lang) {
        return SiteFixture.site().resolve((lang.equals("en") ? "" : "zh/") + "p/" + SiteFixture.EIFFEL_ID + ".html");
    }

    /** {@code chromium --headless --print-to-pdf}: what a user gets printing from the command line. */
    @Test
    void chromiumPrintToPdfGivesTheTitleAndThePrompt(@TempDir Path tmp) throws Exception {
        for (String lang : List.of("en", "zh")) {
            Path pdf = tmp.resolve(lang + ".pdf");
            List<String> command = new ArrayList<>(List.of(Browser.CHROMIUM.toString(), "--headless=new", "--no-sandbox",
                    "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                    "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + tmp.resolve("profile-" + lang),
                    "--no-pdf-header-footer", "--virtual-time-budget=5000", "--print-to-pdf=" + pdf,
                    page(lang).toUri().toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve(lang + ".log").toFile())
                    .start();
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
            assertThat(pdf).as(Files.readString(tmp.resolve(lang + ".log"))).isRegularFile();
            try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
                assertThat(doc.getNumberOfPages()).isGreaterThanOrEqualTo(1);
                String text = normalise(new PDFTextStripper().getText(doc));
                assertThat(text).contains(lang.equals("en") ? TITLE_EN : TITLE_ZH).contains(PROMPT);
                if (lang.equals("en")) {
                    savePage(doc, 0, "print-cli-en-page1");
                }
            }
        }
    }

    /** Selenium's print (the same engine as the print dialog) on A4 and on Letter, 15 mm margins. */
    @Test
    void theStylesheetFitsA4AndLetterAndKeepsTheContent() throws Exception {
        try (Browser browser = new Browser()) {
            for (String lang : List.of("en", "zh")) {
                String url = page(lang).toUri().toString();
                browser.driver.get(url);
                new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(
                        browser.driver.executeScript("return document.body.classList.contains('ready');")));
                // {name, width cm, height cm, PDF width pt}
                for (Object[] paper : List.of(new Object[] {"A4", 21.0, 29.7, 595}, new Object[] {"Letter", 21.59, 27.94, 612})) {
                    double widthCm = (Double) paper[1];
                    // nothing laid out wider than the printable width (paper minus 2 x 15 mm), in CSS pixels
                    int printable = (int) Math.floor((widthCm - 3.0) / 2.54 * 96);
                    browser.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
                    browser.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", printable,
                            "height", 1000, "deviceScaleFactor", 1, "mobile", false));
                    long wide = (Long) browser.driver.executeScript("return document.documentElement.scrollWidth;");
                    if (wide > printable) {  // name what sticks out, so the failure says where to look
                        Object widest = browser.driver.executeScript("var w = arguments[0], out = [];"
                                + "document.querySelectorAll('body *').forEach(function (e) { var r = e.getBoundingClientRect();"
                                + " if (r.right > w + 1 && out.length < 8) { out.push(e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(r.right)); } });"
                                + "return out.join(', ');", printable);
                        assertThat(wide).as(lang + " " + paper[0] + " printable width " + printable + " px; wider: " + widest)
                                .isLessThanOrEqualTo(printable);
                    }
                    browser.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
                    browser.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));

                    PrintOptions options = new PrintOptions();
                    options.setPageSize(new PageSize((Double) paper[2], widthCm));
                    options.setPageMargin(new PageMargin(1.5, 1.5, 1.5, 1.5));
                    options.setBackground(true);
                    Pdf pdf = browser.driver.print(options);
                    byte[] bytes = Base64.getDecoder().decode(pdf.getContent());
                    Files.createDirectories(AccessibilityTest.screenshotDir());
                    Files.write(AccessibilityTest.screenshotDir().resolve("prompt-" + lang + "-" + paper[0] + ".pdf"), bytes);
                    try (PDDocument doc = Loader.loadPDF(bytes)) {
                        PDRectangle box = doc.getPage(0).getMediaBox();
                        assertThat((double) box.getWidth()).as(paper[0] + " width")
                                .isCloseTo(((Integer) paper[3]).doubleValue(), org.assertj.core.data.Offset.offset(1.5));
                        assertThat(doc.getNumberOfPages()).isBetween(1, 12);
                        String text = normalise(new PDFTextStripper().getText(doc));
                        assertThat(text).contains(lang.equals("en") ? TITLE_EN : TITLE_ZH).contains(PROMPT);
                        // the last column of the probability table (not cut off at the right edge) and every section
                        assertThat(text).contains("%");
                        for (String section : List.of("overview-title", "tokens-title", "attention-title", "nt-title", "gen-title")) {
                            String heading = (String) browser.driver.executeScript(
                                    "return document.getElementById(arguments[0]).textContent;", section);
                            assertThat(text).as(section).contains(normalise(heading));
                        }
                        if (lang.equals("zh") && paper[0].equals("A4")) {
                            savePage(doc, 0, "print-zh-a4-page1");
                        }
                        if (lang.equals("en") && paper[0].equals("Letter")) {
                            savePage(doc, 1, "print-en-letter-page2");
                        }
                    }
                }
            }
            browser.driver.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    private static String normalise(String s) {
        return s.replace('\u00a0', ' ').replaceAll("\\s+", " ");
    }

    private static void savePage(PDDocument doc, int page, String name) throws Exception {
        if (page >= doc.getNumberOfPages()) {
            return;
        }
        BufferedImage image = new PDFRenderer(doc).renderImageWithDPI(page, 80);
        Files.createDirectories(AccessibilityTest.screenshotDir());
        ImageIO.write(image, "png", AccessibilityTest.screenshotDir().resolve(name + ".png").toFile());
    }
}
