package io.github.gpt2explainer.hub;

/**
 * The model cannot be had right now: not found, not authorised, offline without a cached copy, or the network
 * failed with nothing cached. The message names what was tried (URL, cache path) and how to proceed.
 */
public class ModelUnavailableException extends HubException {
    public ModelUnavailableException(Reason reason, String message) {
        super(reason, message);
    }

    public ModelUnavailableException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
