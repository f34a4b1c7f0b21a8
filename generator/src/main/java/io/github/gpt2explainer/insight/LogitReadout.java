package io.github.gpt2explainer.insight;

import io.github.gpt2explainer.model.Checkpoint;
import java.nio.FloatBuffer;

/**
 * How a vector written to the last position's residual stream moves one token's logit, read through the
 * final layer norm with its scale frozen at the value the pass actually used.
 *
 * <p>The logit of token w is {@code W_U[w] · (γ ⊙ (x − mean(x)) / σ + β)} with x the final residual
 * stream, σ = sqrt(var(x) + ε) its actual standard deviation (biased variance, as LayerNorm), γ and β
 * the final layer norm's weight and bias, W_U the unembedding ({@code lm_head.weight}, the tied
 * {@code wte} when there is none). With σ fixed, this is linear in x: a component c contributes
 * {@code (W_U[w] ⊙ γ) · (c − mean(c)) / σ}, which equals {@code c · r} for the readout direction
 * {@code r = (g − mean(g)) / σ}, g = W_U[w] ⊙ γ; the bias adds {@code W_U[w] · β}. Because x is the
 * sum of its components and centring is linear, the contributions add up to the logit.
 */
final class LogitReadout {

    private final double[] direction; // [E]: r = (g - mean(g)) / sigma
    private final double biasTerm;
    private final double sigma;

    private LogitReadout(double[] direction, double biasTerm, double sigma) {
        this.direction = direction;
        this.biasTerm = biasTerm;
        this.sigma = sigma;
    }

    /**
     * The readout of token {@code target} for the final residual stream {@code finalResidual} [E] of one
     * position, with the final layer norm and head of {@code checkpoint}.
     */
    static LogitReadout of(Checkpoint checkpoint, long target, float[] finalResidual) {
        int e = checkpoint.config().width();
        if (finalResidual.length != e) {
            throw new IllegalArgumentException("the final residual has " + finalResidual.length
                    + " values, the model's width is " + e);
        }
        if (target < 0 || target >= checkpoint.config().vocabSize()) {
            throw new IllegalArgumentException("target token " + target + " is outside the vocabulary [0, "
                    + checkpoint.config().vocabSize() + ")");
        }
        FloatBuffer gamma = checkpoint.floats("ln_f.weight", 0, e);       // [E]
        FloatBuffer beta = checkpoint.floats("ln_f.bias", 0, e);          // [E]
        FloatBuffer unembed = checkpoint.floats("lm_head.weight", target * e, e); // [E]: the target's row of [V, E]

        double mean = 0;
        for (float v : finalResidual) {
            mean += v;
        }
        mean /= e;
        double variance = 0;
        for (float v : finalResidual) {
            variance += (v - mean) * (v - mean);
        }
        variance /= e;
        double sigma = Math.sqrt(variance + checkpoint.config().layerNormEpsilon());

        double[] g = new double[e];   // W_U[target] ⊙ γ
        double gMean = 0;
        double biasTerm = 0;
        for (int i = 0; i < e; i++) {
            double w = unembed.get(i);
            g[i] = w * gamma.get(i);
            gMean += g[i];
            biasTerm += w * beta.get(i);
        }
        gMean /= e;
        double[] direction = new double[e];
        for (int i = 0; i < e; i++) {
            direction[i] = (g[i] - gMean) / sigma;
        }
        return new LogitReadout(direction, biasTerm, sigma);
    }

    /** The contribution of a vector {@code c} [E] written to the residual stream: {@code c · r}. */
    double contribution(float[] c) {
        double sum = 0;
        for (int i = 0; i < direction.length; i++) {
            sum += c[i] * direction[i];
        }
        return sum;
    }

    /** The contribution of a vector {@code c} [E] read from {@code buffer} at {@code offset}. */
    double contribution(FloatBuffer buffer, int offset) {
        double sum = 0;
        for (int i = 0; i < direction.length; i++) {
            sum += buffer.get(offset + i) * direction[i];
        }
        return sum;
    }

    /** r [E], a copy. */
    double[] direction() {
        return direction.clone();
    }

    /** The final layer norm bias's part of the logit: {@code W_U[target] · β}. */
    double biasTerm() {
        return biasTerm;
    }

    /** The final layer norm's actual σ at this position, ε included. */
    double sigma() {
        return sigma;
    }
}
