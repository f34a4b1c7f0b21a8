package io.github.gpt2explainer.site;

import java.util.List;
import java.util.SortedMap;

/**
 * The typed models the Freemarker pages are rendered from. Every string is raw text: the {@code .ftlh}
 * templates escape it (HTML auto-escaping); only the fields named {@code ...Html} hold markup, made by
 * {@link Markdown} from escaped sources.
 */
public final class PageModel {

    private PageModel() {
    }

    /** A link as seen from the current page (relative href). */
    public record Link(String href, String label, boolean current) {
    }

    /**
     * A link to this same page in another language.
     *
     * @param code the site's language code ("zh"), {@code tag} its BCP 47 tag for hreflang/lang ("zh-Hans")
     */
    public record LanguageLink(String href, String label, boolean current, String code, String tag) {
    }

    /**
     * What every page shares.
     *
     * @param lang      the page's language code
     * @param root      relative path to the site root ("", "../", "../../")
     * @param kind      index, prompt or about (the body's data-page, read by the scripts)
     * @param title     the page title
     * @param siteTitle the site title in this language
     * @param t         the UI strings of this language
     * @param languages one link per site language to this same page
     * @param home      the index page of this language
     * @param about     the about page of this language
     * @param model     the model in one line
     * @param demo      true when the site was built from the untrained demo model
     * @param htmlLang  the BCP 47 tag of the page's language, for {@code <html lang>} ("zh-Hans")
     * @param chapters  the chapter list of this language (null when the site has no chapters)
     * @param compare   the comparison page of this language
     * @param heads     the "meet the heads" page of this language (null when the site has none)
     * @param views     the view scripts ({@code assets/js/views/*.js}, relative to this page, sorted): every file
     *                  there is loaded by the pages that draw views, so adding a view adds no line to a template
     */
    public record Page(String lang, String root, String kind, String title, String siteTitle,
                       SortedMap<String, String> t, List<LanguageLink> languages, Link home, Link about, String model,
                       boolean demo, String htmlLang, Link chapters, Link compare, Link heads, List<String> views) {
    }

    /** A prompt as a card on the index and in the prompt page header. */
    public record PromptCard(String id, String href, String title, String text, List<String> tags, int tokenCount,
                             String greedyContinuation) {
    }

    /** The model card: identity and shape. */
    public record ModelCard(String spec, String repoId, String revision, String commit, String weightsSha256,
                            String tokenizerSha256, int layers, int width, int heads, int headDim, int vocab,
                            int context, boolean demo) {
    }

    /**
     * One token as shown.
     *
     * @param text    the token's text for running prose (undecodable bytes as {@code <XX>})
     * @param visible the same with whitespace made visible ({@code ␣}, {@code ↵}), for a token on its own
     * @param bytes   its UTF-8 bytes in hex, e.g. {@code E4 BD}
     * @param partial true when the token holds part of a character
     */
    public record TokenCell(int position, long id, String text, String visible, String bytes, boolean partial,
                            boolean special) {
    }

    /** One generated continuation (static text; the step-through is drawn by script). */
    public record GenerationText(String temperature, boolean greedy, List<TokenCell> tokens, String stopReason) {
    }

    /** Generation settings as displayed. */
    public record Settings(String temperatures, int maxNewTokens, String topK, String topP, String seed) {
    }

    /**
     * The home page.
     *
     * @param start the prompt the home page says to open first: the one the chapters' first figure draws (null
     *              for a site without prompts)
     */
    public record IndexPage(Page page, List<PromptCard> prompts, ModelCard model, String introHtml,
                            List<ChapterRef> chapters, PromptCard start) {
    }

    /** A chapter as listed (index, chapter list, neighbours). */
    public record ChapterRef(int number, String slug, String title, String href, String summaryHtml) {
    }

    /** The chapter list page. */
    public record ChapterIndexPage(Page page, List<ChapterRef> chapters) {
    }

    /** One explainer chapter. */
    public record ChapterPage(Page page, ChapterRef chapter, String bodyHtml, ChapterRef previous, ChapterRef next,
                              List<ChapterRef> chapters) {
    }

    /**
     * The comparison page: the same layer and head across prompts; the same token in different prompts.
     *
     * @param indexData relative URL of {@code data/compare/index.js} (loaded with the page)
     * @param dataDir   relative URL of {@code data/compare/} (per-layer attention files, loaded on demand)
     */
    public record ComparePage(Page page, List<PromptCard> prompts, int layers, int heads, String indexData,
                              String dataDir) {
    }

    /**
     * A prompt page.
     *
     * @param mainData   relative URL of the data file loaded with the page
     * @param dataDir    relative URL of the prompt's data directory (lazy per-layer files)
     */
    public record PromptPage(Page page, PromptCard prompt, String notesHtml, List<TokenCell> tokens,
                             List<GenerationText> generations, Settings settings, String mainData, String dataDir,
                             int layers, int heads, Link previous, Link next, List<String> captions) {
    }

    /**
     * One head's score on a role, a cell of the role's heat map.
     *
     * @param value the stored score (F32) in full, for the colour and for checking
     * @param text  the score as shown (2 decimals)
     */
    public record HeadCell(int layer, int head, String value, String text) {
    }

    /** One layer's row of a role's heat map. */
    public record HeadRow(int layer, List<HeadCell> cells) {
    }

    /**
     * One of a role's top heads.
     *
     * @param label    {@code layer.head}, e.g. {@code 5.1}
     * @param score    its score on the probe (2 decimals)
     * @param href     its attention view on the prompt where it acts most strongly in this role; null when no prompt
     *                 qualifies (no repeated token, for induction and duplicate-token)
     * @param prompt   that prompt's title
     * @param strength its strength there (2 decimals)
     */
    public record TopHead(String label, String score, String href, String prompt, String strength) {
    }

    /** A role's section: its heat map [L x H] and its top heads. */
    public record RoleSection(String key, List<HeadRow> rows, List<TopHead> top) {
    }

    /** One row of the data table: a head and its score on every role (3 decimals), roles in page order. */
    public record HeadTableRow(String label, List<String> scores) {
    }

    /**
     * The "meet the heads" model page.
     *
     * @param n         the length of one copy of the probe's random tokens
     * @param seed      the seed of the probe's token ids
     * @param positions the probe's length, 2n + 1
     * @param context   the model's context length
     */
    public record HeadsPage(Page page, List<RoleSection> roles, int layers, int heads, int n, long seed, int positions,
                            int context, List<HeadTableRow> table) {
    }

    public record AboutPage(Page page, ModelCard model, Settings settings, String generatorVersion,
                            String reproduceCommand, String aboutHtml, List<PromptCard> prompts) {
    }
}
