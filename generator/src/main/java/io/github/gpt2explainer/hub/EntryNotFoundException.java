package io.github.gpt2explainer.hub;

/** A file that does not exist at a revision (HTTP 404 on one file); carries the commit when the server said it. */
final class EntryNotFoundException extends ModelUnavailableException {
    private final String commit;

    EntryNotFoundException(String message, String commit) {
        super(Reason.NOT_FOUND, message);
        this.commit = commit;
    }

    /** {@code X-Repo-Commit} of the 404 response, or null. */
    String commit() {
        return commit;
    }
}
