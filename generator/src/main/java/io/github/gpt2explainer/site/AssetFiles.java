package io.github.gpt2explainer.site;

import io.github.gpt2explainer.site.SitePlan.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** The files every page links: the templates' assets, the front-end libraries, each language's messages. */
final class AssetFiles {

    /** Front-end libraries copied from their WebJars: class-path resource -> site path. */
    static final Map<String, String> VENDOR = new TreeMap<>(Map.of(
            "META-INF/resources/webjars/d3/7.9.0/dist/d3.min.js", SiteLayout.VENDOR + "d3.min.js",
            "META-INF/resources/webjars/d3/7.9.0/LICENSE", SiteLayout.VENDOR + "d3.LICENSE.txt",
            "META-INF/resources/webjars/d3-sankey/0.12.3/dist/d3-sankey.min.js", SiteLayout.VENDOR + "d3-sankey.min.js",
            "META-INF/resources/webjars/d3-sankey/0.12.3/LICENSE", SiteLayout.VENDOR + "d3-sankey.LICENSE.txt"));

    private AssetFiles() {
    }

    static void plan(SitePlan plan, SiteTemplates templates, SiteLayout layout) {
        for (String asset : templates.assetFiles()) {
            plan.addShared(asset, "templates " + asset, Kind.ASSET, site -> site.templates.read(asset));
        }
        for (Map.Entry<String, String> v : VENDOR.entrySet()) {
            String target = v.getValue();
            plan.addShared(target, "WebJar " + target.substring(SiteLayout.VENDOR.length()), Kind.ASSET,
                    site -> classpathBytes(v.getKey()));
        }
        for (String lang : layout.languages()) {
            plan.addShared(SiteLayout.i18nScript(lang), "templates i18n/" + lang + ".properties", Kind.ASSET,
                    site -> site.messages.script(lang).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] classpathBytes(String resource) {
        try (InputStream in = AssetFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new SiteRenderException("front-end library " + resource + " is not on the class path (its WebJar is missing)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SiteRenderException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }
}
