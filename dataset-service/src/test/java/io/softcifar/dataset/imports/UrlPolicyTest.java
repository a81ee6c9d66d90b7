package io.softcifar.dataset.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.contracts.spec.OfficialSources;
import io.softcifar.ml.data.InvalidDataException;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The URL rules without a network: address ranges (RFC 6890 special-purpose registry), loopback, profiles. */
class UrlPolicyTest {

    private final UrlPolicy prod = new UrlPolicy(SourcePolicy.OFFICIAL_HOSTS, false);

    /** Every special-purpose range named in the registry that a download could abuse, IPv4 and IPv6. */
    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "127.0.0.1, loopback",
        "127.255.0.9, loopback",
        "::1, loopback",
        "10.1.2.3, private",
        "172.16.0.1, private",
        "172.31.255.255, private",
        "192.168.1.1, private",
        "100.64.0.1, private",
        "fc00::1, private",
        "fd12:3456::1, private",
        "fec0::1, private",
        "169.254.169.254, link-local",
        "fe80::1, link-local",
        "224.0.0.1, multicast",
        "239.255.255.250, multicast",
        "ff02::1, multicast",
        "0.0.0.0, unspecified",
        "::, unspecified",
        "0.1.2.3, unspecified",
        "240.0.0.1, reserved",
        "255.255.255.255, reserved",
        "198.18.0.1, reserved",
        "192.0.2.1, documentation",
        "2001:db8::1, documentation",
        // IPv6 forms that carry an IPv4 address: the IPv4 address decides
        "::ffff:10.0.0.1, private",
        "::ffff:127.0.0.1, loopback",
        "64:ff9b::a9fe:a9fe, link-local",
        "2002:0a00:0001::1, private",
        "::127.0.0.1, reserved",
        "2001:0000:4136:e378::1, reserved"
    })
    void nonPublicAddressesAreNamed(String address, String kind) throws Exception {
        assertThat(UrlPolicy.nonPublic(InetAddress.getByName(address))).isEqualTo(kind);
    }

    @ParameterizedTest
    @CsvSource({
        "8.8.8.8",
        "128.100.3.30",
        "172.32.0.1",
        "100.128.0.1",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "2002:0808:0808::1"
    })
    void publicAddressesPass(String address) throws Exception {
        assertThat(UrlPolicy.nonPublic(InetAddress.getByName(address))).isNull();
    }

    @Test
    void loopbackIsRefusedWithoutTheTestSwitch() {
        assertThatThrownBy(() -> prod.check("sources.x", "http://127.0.0.1:8000/f.npy", null, "ab"))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage("sources.x: http://127.0.0.1:8000/f.npy is plain http; only https URLs are allowed (plain"
                        + " http only for the official SVHN URL with its pinned md5)");
        assertThatThrownBy(() -> prod.check("sources.x", "https://localhost/f.npy", null, "ab"))
                .hasMessage("sources.x: host localhost of https://localhost/f.npy is not on the allow-list"
                        + " (softcifar.dataset.url-hosts)");
        // a listed name that resolves to loopback is refused by the address check
        UrlPolicy listed = new UrlPolicy(List.of("localhost"), false);
        assertThatThrownBy(() -> listed.checkAddresses("sources.x", URI.create("https://localhost/f.npy")))
                .hasMessageContaining("a loopback address (downloads may reach public addresses only)");
        UrlPolicy tests = new UrlPolicy(List.of(), true);
        assertThatCode(() -> tests.checkAddresses("sources.x", URI.create("http://127.0.0.1:8000/f.npy")))
                .doesNotThrowAnyException();
    }

    @Test
    void theOfficialHttpUrlPassesOnlyWithItsPinnedChecksum() {
        String svhn = OfficialSources.SVHN_TEST.url();
        assertThatCode(() -> prod.check("sources.svhnTest", svhn, OfficialSources.SVHN_TEST.md5(), null))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> prod.check("sources.svhnTest", svhn, "0".repeat(32), null))
                .hasMessageContaining("is plain http");
        assertThatThrownBy(() -> prod.check("sources.svhnTest", svhn + "?x", OfficialSources.SVHN_TEST.md5(), null))
                .hasMessageContaining("is plain http");
        assertThatCode(() -> prod.check(
                        "sources.cifar10Archive",
                        OfficialSources.CIFAR10_ARCHIVE.url(),
                        OfficialSources.CIFAR10_ARCHIVE.md5(),
                        null))
                .doesNotThrowAnyException();
    }

    @Test
    void theProdProfileRefusesTheTestSwitch() {
        assertThatThrownBy(() -> SourcePolicy.requireAllowedInProfile(List.of("prod"), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "softcifar.dataset.allow-loopback-urls-for-tests=true is a test-only setting and the prod"
                                + " profile refuses to start with it; remove it (SOFTCIFAR_DATASET_ALLOW_LOOPBACK_URLS_FOR_TESTS)");
        assertThatCode(() -> SourcePolicy.requireAllowedInProfile(List.of("prod"), false))
                .doesNotThrowAnyException();
        assertThatCode(() -> SourcePolicy.requireAllowedInProfile(List.of("test"), true))
                .doesNotThrowAnyException();
    }
}
