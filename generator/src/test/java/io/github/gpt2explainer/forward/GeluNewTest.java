package io.github.gpt2explainer.forward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import io.github.gpt2explainer.model.Checkpoint;
import io.github.gpt2explainer.model.FloatTensor;
import io.github.gpt2explainer.model.Gpt2Config;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** GPT-2 uses the tanh approximation of GELU ("gelu_new"), which is measurably not the erf GELU. */
class GeluNewTest {

    private static final float[] POINTS = {-3f, -1.5f, -0.5f, 0f, 0.5f, 1f, 1.5f, 2.5f, 4f};

    @Test
    void geluNewIsTheTanhClosedFormAndNotErfGelu() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.create(POINTS);
            float[] tanhForm = Gpt2Model.geluNew(x).toFloatArray();
            float[] erfForm = Activation.gelu(x).toFloatArray();
            for (int i = 0; i < POINTS.length; i++) {
                double closedForm = 0.5 * POINTS[i]
                        * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (POINTS[i] + 0.044715 * Math.pow(POINTS[i], 3))));
                assertThat((double) tanhForm[i]).as("gelu_new(%s)", POINTS[i]).isCloseTo(closedForm, offset(1e-6));
                assertThat((double) erfForm[i]).as("erf gelu(%s)", POINTS[i]).isCloseTo(erfGelu(POINTS[i]), offset(1e-6));
            }
            // at 1.5 the two differ in the 4th decimal: 1.39957 (tanh) vs 1.39979 (erf)
            assertThat(Math.abs(tanhForm[6] - erfForm[6])).isGreaterThan(1e-4f);
        }
    }

    @Test
    void theFusedSigmoidFormTheModelRunsEqualsTheTextbookTanhForm() {
        int count = 4001;
        float[] points = new float[count];
        for (int i = 0; i < count; i++) {
            points[i] = -10f + 20f * i / (count - 1); // [-10, 10] in steps of 0.005
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.create(points);
            float[] textbook = Gpt2Model.geluNew(x).toFloatArray();
            float[] fused = Gpt2Model.geluNewFused(x).toFloatArray();
            for (int i = 0; i < count; i++) {
                assertThat(fused[i]).as("gelu_new(%s)", points[i])
                        .isCloseTo(textbook[i], offset(2e-6f + 2e-6f * Math.abs(textbook[i])));
            }
        }
    }

    @Test
    void theModelsMlpUsesGeluNew() {
        // Inflated c_fc weights push pre-activations into |x| ~ 1..3, where the two GELUs differ most.
        Gpt2Config config = new Gpt2Config(50257, 16, 32, 1, 4, 1e-5);
        Checkpoint base = TestCheckpoints.random(config, 40);
        SortedMap<String, FloatTensor> parameters = new TreeMap<>(base.parameters());
        FloatTensor fc = parameters.get("h.0.mlp.c_fc.weight");
        FloatBuffer scaled = ByteBuffer.allocateDirect((int) fc.size() * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < fc.size(); i++) {
            scaled.put(i, fc.data().get(i) * 50);
        }
        parameters.put(fc.name(), new FloatTensor(fc.name(), fc.shape(), scaled));
        Checkpoint checkpoint = new Checkpoint("inflated", config, parameters);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             Gpt2Model model = Gpt2Model.load(checkpoint, manager)) {
            CapturedPass trace = model.forward(new long[] {1, 2, 3, 4}, CaptureSpec.all()).trace();
            float[] fcOut = trace.get("h.0.mlp.fc").toArray();
            float[] geluOut = trace.get("h.0.mlp.gelu").toArray();
            double largestErfGap = 0;
            for (int i = 0; i < fcOut.length; i++) {
                assertThat((double) geluOut[i]).isCloseTo(ReferenceGpt2.geluNew(fcOut[i]), offset(2e-6));
                largestErfGap = Math.max(largestErfGap, Math.abs(erfGelu(fcOut[i]) - ReferenceGpt2.geluNew(fcOut[i])));
            }
            assertThat(largestErfGap).as("the test inputs must separate the two GELUs").isGreaterThan(1e-4);
        }
    }

    /** x * Phi(x) with erf from its Taylor series (converges well for |x| <= 4). */
    private static double erfGelu(double x) {
        double z = x / Math.sqrt(2);
        double term = z;
        double sum = z;
        for (int n = 1; n < 200; n++) {
            term *= -z * z / n;
            sum += term / (2 * n + 1);
        }
        double erf = 2 / Math.sqrt(Math.PI) * sum;
        return 0.5 * x * (1 + erf);
    }
}
