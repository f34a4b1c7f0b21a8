package io.github.gpt2explainer.site;

import freemarker.core.Environment;
import freemarker.core.TemplateClassResolver;
import freemarker.template.Configuration;
import freemarker.template.DefaultObjectWrapperBuilder;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TimeZone;

/** The Freemarker page templates ({@code templates/pages/*.ftlh}), configured once: auto-escaping, no clock, no API. */
final class PageTemplates {

    private final Path pages;
    private final Configuration freemarker;

    PageTemplates(Path pages) {
        this.pages = pages;
        this.freemarker = freemarker(pages);
    }

    private static Configuration freemarker(Path pages) {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);
        cfg.setTemplateLoader(new PathTemplateLoader(pages));
        cfg.setDefaultEncoding("UTF-8");
        cfg.setOutputEncoding("UTF-8");
        cfg.setRecognizeStandardFileExtensions(true); // .ftlh => HTML output format, auto-escaping on
        cfg.setLocale(Locale.ROOT);
        cfg.setTimeZone(TimeZone.getTimeZone("UTC"));
        cfg.setNumberFormat("computer");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        cfg.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        cfg.setAPIBuiltinEnabled(false);
        cfg.setObjectWrapper(new DefaultObjectWrapperBuilder(Configuration.VERSION_2_3_34).build());
        return cfg;
    }

    byte[] render(String template, Object model) {
        return text(template, model, null).getBytes(StandardCharsets.UTF_8);
    }

    /** Renders a page; with a handout, the layout inlines what it would link (global variable {@code handout}). */
    String text(String template, Object model, Handout handout) {
        try {
            Template t = freemarker.getTemplate(template);
            StringWriter w = new StringWriter();
            Environment env = t.createProcessingEnvironment(model, w);
            if (handout != null) {
                env.setGlobalVariable("handout", freemarker.getObjectWrapper().wrap(handout));
            }
            env.process();
            return w.toString();
        } catch (IOException | TemplateException e) {
            throw new SiteRenderException("template " + pages.resolve(template) + ": " + e.getMessage(), e);
        }
    }
}
