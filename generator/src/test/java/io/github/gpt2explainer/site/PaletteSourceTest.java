package io.github.gpt2explainer.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every colour through the palette module (issue 14, item 7): no script but palette.js writes a colour of its
 * own (a hex literal, rgb(), hsl() or a CSS variable), so every data mark takes its colour from GPT2X.palette;
 * and the style sheet colours data marks (legend swatches, bars, Sankey bands) only with the palette's roles.
 */
class PaletteSourceTest {

    private static final Pattern COLOUR = Pattern.compile("['\"]#[0-9a-fA-F]{3,8}['\"]|\\brgba?\\(|\\bhsla?\\(|var\\(--");

    @Test
    void noScriptButThePaletteWritesAColour() {
        List<String> found = new ArrayList<>();
        try (SiteTemplates templates = SiteFixture.templates()) {
            List<String> scripts = templates.assetFiles().stream()
                    .filter(a -> a.startsWith("assets/js/") && a.endsWith(".js")).toList();
            assertThat(scripts).contains("assets/js/palette.js", "assets/js/views/sankey-overview.js");
            for (String script : scripts) {
                if (script.equals("assets/js/palette.js")) {
                    continue;
                }
                String[] lines = new String(templates.read(script), StandardCharsets.UTF_8).split("\n");
                for (int i = 0; i < lines.length; i++) {
                    Matcher m = COLOUR.matcher(lines[i]);
                    if (m.find()) {
                        found.add(script + ":" + (i + 1) + ": " + lines[i].trim());
                    }
                }
            }
        }
        assertThat(found).as("colours written outside palette.js").isEmpty();
    }

    @Test
    void theStyleSheetColoursDataMarksWithThePaletteRoles() {
        try (SiteTemplates templates = SiteFixture.templates()) {
            String css = new String(templates.read("assets/css/site.css"), StandardCharsets.UTF_8);
            String palette = new String(templates.read("assets/js/palette.js"), StandardCharsets.UTF_8);
            // the rules of data marks (not their text): the overview's legend swatches, every bar of a table, the
            // probability Sankey
            for (String rule : css.split("}")) {
                String selector = rule.substring(0, Math.max(0, rule.indexOf('{'))).trim();
                if (selector.matches("(?s).*(\\.sw-(?!reads)|table\\.dist[^,{]* \\.bar|\\.norm-bars \\.bar|\\.prob-sankey \\.ps-(link|node|source)).*")
                        && !selector.endsWith("text") && rule.matches("(?s).*\\b(background|fill)\\s*:.*")) {
                    Matcher role = Pattern.compile("(?:background|fill)\\s*:\\s*var\\(--data-([a-z]+)\\)").matcher(rule);
                    assertThat(role.find()).as("rule '" + selector + "' takes a palette role").isTrue();
                    assertThat(palette).as("palette.js has role " + role.group(1)).containsPattern("\\b'?" + role.group(1) + "'?:");
                }
            }
        }
    }
}
