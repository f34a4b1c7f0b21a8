package io.github.gpt2explainer.site;

import io.github.gpt2explainer.insight.HeadRole;
import io.github.gpt2explainer.insight.HeadRoles;
import io.github.gpt2explainer.insight.ProbedHeadRoles;
import io.github.gpt2explainer.prompts.PromptSpec;
import io.github.gpt2explainer.site.PageModel.HeadCell;
import io.github.gpt2explainer.site.PageModel.HeadRow;
import io.github.gpt2explainer.site.PageModel.HeadTableRow;
import io.github.gpt2explainer.site.PageModel.Page;
import io.github.gpt2explainer.site.PageModel.RoleSection;
import io.github.gpt2explainer.site.PageModel.TopHead;
import io.github.gpt2explainer.site.SitePlan.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The "meet the heads" model page, one per language: every head's score on each {@link HeadRole} as a heat map
 * [L x H], the top heads of each role linked to their attention view on the prompt where they act most strongly
 * ({@link HeadExamples}), and a data table. Rendered after the prompts, whose runs give those prompts.
 */
final class HeadsPage {

    /** How many heads each role names. */
    static final int TOP = 3;

    private HeadsPage() {
    }

    /** Plans each language's page, if the input has head roles. */
    static void plan(SitePlan plan, SiteLayout layout, SiteInput input) {
        if (input.headRoles() == null) {
            return;
        }
        for (String lang : layout.languages()) {
            String path = layout.headsPage(lang);
            plan.addOverview(path, "heads page (" + lang + ")", Kind.PAGE, site -> render(site, lang, path));
        }
    }

    private static byte[] render(SiteContext site, String lang, String path) {
        Page page = site.page(lang, path, "heads", site.messages.strings(lang).get("roles.title"));
        ProbedHeadRoles probed = site.input.headRoles();
        HeadRoles roles = probed.roles();
        List<RoleSection> sections = new ArrayList<>();
        for (HeadRole role : HeadRole.values()) {
            sections.add(new RoleSection(role.key(), rows(roles, role), top(site, lang, path, roles, role)));
        }
        int n = probed.probe().n();
        return site.pages.render("heads.ftlh", new PageModel.HeadsPage(page, sections, roles.layers(), roles.heads(), n,
                probed.probe().seed(), 2 * n + 1, site.input.model().config().contextLength(), table(roles)));
    }

    private static List<HeadRow> rows(HeadRoles roles, HeadRole role) {
        List<HeadRow> rows = new ArrayList<>();
        for (int l = 0; l < roles.layers(); l++) {
            List<HeadCell> cells = new ArrayList<>();
            for (int h = 0; h < roles.heads(); h++) {
                float v = (float) roles.score(role, l, h);
                cells.add(new HeadCell(l, h, Float.toString(v), fixed(v, 2)));
            }
            rows.add(new HeadRow(l, cells));
        }
        return rows;
    }

    /** The role's highest-scoring heads, each with its link to the prompt where it acts most strongly. */
    static List<TopHead> top(SiteContext site, String lang, String fromPath, HeadRoles roles, HeadRole role) {
        List<TopHead> top = new ArrayList<>();
        for (HeadRoles.HeadScore s : roles.ranked(role).subList(0, Math.min(TOP, roles.layers() * roles.heads()))) {
            HeadExamples.Example example = site.headExamples.best(role, s.layer(), s.head());
            String href = null;
            String prompt = null;
            String strength = null;
            if (example != null) {
                PromptSpec spec = site.input.promptSet().prompts().stream()
                        .filter(p -> p.id().equals(example.promptId())).findFirst().orElseThrow();
                href = SiteLayout.rootFrom(fromPath) + site.layout.promptPage(lang, spec.id())
                        + attentionView(s.layer(), s.head());
                prompt = spec.title(lang);
                strength = fixed(example.strength(), 2);
            }
            top.add(new TopHead(s.label(), fixed(s.score(), 2), href, prompt, strength));
        }
        return top;
    }

    /** The prompt page's hash for the attention view of one head (the router's keys, sorted). */
    static String attentionView(int layer, int head) {
        return "#head=" + head + "&layer=" + layer + "&view=attention";
    }

    private static List<HeadTableRow> table(HeadRoles roles) {
        List<HeadTableRow> rows = new ArrayList<>();
        for (int l = 0; l < roles.layers(); l++) {
            for (int h = 0; h < roles.heads(); h++) {
                List<String> scores = new ArrayList<>();
                for (HeadRole role : HeadRole.values()) {
                    scores.add(fixed(roles.score(role, l, h), 3));
                }
                rows.add(new HeadTableRow(l + "." + h, scores));
            }
        }
        return rows;
    }

    private static String fixed(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
