package io.github.gpt2explainer.site;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/** What opening a page transfers: the page and every stylesheet and script it names, each gzip-compressed. */
record PageWeight(long gzipBytes, long rawBytes, List<String> files) {

    static PageWeight of(Path page) {
        try {
            Document doc = Jsoup.parse(page.toFile(), "UTF-8");
            List<Path> loaded = new ArrayList<>();
            loaded.add(page);
            for (Element el : doc.select("link[rel=stylesheet][href], script[src]")) {
                String ref = el.hasAttr("href") ? el.attr("href") : el.attr("src");
                loaded.add(page.getParent().resolve(ref).normalize());
            }
            long gz = 0;
            long raw = 0;
            List<String> names = new ArrayList<>();
            for (Path p : loaded) {
                byte[] bytes = Files.readAllBytes(p);
                raw += bytes.length;
                gz += gzip(bytes);
                names.add(p.getFileName().toString());
            }
            return new PageWeight(gz, raw, names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.size();
    }
}
