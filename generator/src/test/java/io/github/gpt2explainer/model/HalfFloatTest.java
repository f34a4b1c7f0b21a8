package io.github.gpt2explainer.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HalfFloatTest {

    private static float half(int bits) {
        return HalfFloat.halfToFloat((short) bits);
    }

    @Test
    void decodesKnownHalfBitPatterns() {
        assertThat(half(0x3C00)).isEqualTo(1.0f);
        assertThat(half(0xC000)).isEqualTo(-2.0f);
        assertThat(half(0x7BFF)).isEqualTo(65504.0f);
        assertThat(half(0x0001)).isEqualTo((float) Math.pow(2, -24)).isEqualTo(5.9604645E-8f);
        assertThat(half(0x03FF)).isEqualTo(1023 * (float) Math.pow(2, -24)); // largest subnormal
        assertThat(half(0x0400)).isEqualTo((float) Math.pow(2, -14));        // smallest normal
        assertThat(half(0x3555)).isEqualTo(0.333251953125f);
        assertThat(half(0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(half(0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(half(0x7E00)).isNaN();
        assertThat(half(0x7C01)).isNaN();
        assertThat(Float.floatToRawIntBits(half(0x8000))).isEqualTo(0x8000_0000); // -0.0 keeps its sign
    }

    @Test
    void everyFiniteHalfDecodesToSignTimesScaledMantissa() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int exponent = (bits >>> 10) & 0x1F;
            if (exponent == 0x1F) {
                continue;
            }
            int mantissa = bits & 0x3FF;
            double magnitude = exponent == 0 ? Math.scalb((double) mantissa, -24)
                    : Math.scalb(1.0 + mantissa / 1024.0, exponent - 15);
            double expected = (bits & 0x8000) != 0 ? -magnitude : magnitude;
            assertThat((double) half(bits)).as("bits 0x%04X", bits).isEqualTo(expected);
            assertThat(HalfFloat.floatToHalf(half(bits)) & 0xFFFF).as("round trip 0x%04X", bits).isEqualTo(bits);
        }
    }

    @Test
    void encodesFloatsToHalfWithRoundToNearestEven() {
        assertThat(HalfFloat.floatToHalf(1.0f)).isEqualTo((short) 0x3C00);
        assertThat(HalfFloat.floatToHalf(-2.0f)).isEqualTo((short) 0xC000);
        assertThat(HalfFloat.floatToHalf(65504f)).isEqualTo((short) 0x7BFF);
        assertThat(HalfFloat.floatToHalf(65519.99f)).isEqualTo((short) 0x7BFF);
        assertThat(HalfFloat.floatToHalf(65520f)).isEqualTo((short) 0x7C00);      // halfway to 2^16: rounds to inf
        assertThat(HalfFloat.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3C00); // tie: stays even
        assertThat(HalfFloat.floatToHalf(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02); // tie: up to even
        assertThat(HalfFloat.floatToHalf(0x1p-24f)).isEqualTo((short) 0x0001);
        assertThat(HalfFloat.floatToHalf(0x1p-25f)).isEqualTo((short) 0x0000);     // tie with zero: even
        assertThat(HalfFloat.floatToHalf(0x1.8p-25f)).isEqualTo((short) 0x0001);
        assertThat(HalfFloat.floatToHalf(0x1.ffcp-15f)).isEqualTo((short) 0x0400);  // subnormal rounds up to normal
        assertThat(HalfFloat.floatToHalf(1e-10f)).isEqualTo((short) 0x0000);
        assertThat(HalfFloat.floatToHalf(-1e-10f)).isEqualTo((short) 0x8000);
        assertThat(HalfFloat.floatToHalf(1e10f)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloat.floatToHalf(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFC00);
        assertThat(half(HalfFloat.floatToHalf(Float.NaN))).isNaN();
    }

    @Test
    void convertsBfloat16BothWays() {
        assertThat(HalfFloat.bfloat16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
        assertThat(HalfFloat.bfloat16ToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(HalfFloat.bfloat16ToFloat((short) 0x7F80)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloat.bfloat16ToFloat((short) 0x7FC0)).isNaN();
        assertThat(HalfFloat.floatToBfloat16(1.0f)).isEqualTo((short) 0x3F80);
        assertThat(HalfFloat.floatToBfloat16(Float.intBitsToFloat(0x3F80_8000))).isEqualTo((short) 0x3F80); // tie: even
        assertThat(HalfFloat.floatToBfloat16(Float.intBitsToFloat(0x3F81_8000))).isEqualTo((short) 0x3F82); // tie: up
        assertThat(HalfFloat.floatToBfloat16(Float.intBitsToFloat(0x3F80_8001))).isEqualTo((short) 0x3F81);
        assertThat(HalfFloat.bfloat16ToFloat(HalfFloat.floatToBfloat16(Float.NaN))).isNaN();
    }
}
