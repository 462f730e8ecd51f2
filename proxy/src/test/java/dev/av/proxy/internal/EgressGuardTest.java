package dev.av.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.av.proxy.Cidr;
import dev.av.proxy.ProblemException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EgressGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "224.0.0.1",
        "0.0.0.0", "255.255.255.255", "::1", "fd00:ec2::254", "fe80::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254"})
    void internalAddressesAreRefused(String ip) throws Exception {
        assertThat(EgressGuard.permitted(InetAddress.getByName(ip), List.of())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"140.82.112.3", "1.1.1.1", "2606:4700::1111"})
    void publicAddressesArePermitted(String ip) throws Exception {
        assertThat(EgressGuard.permitted(InetAddress.getByName(ip), List.of())).isTrue();
    }

    @Test
    void anAllowedRangeOpensOnlyThatRange() throws Exception {
        List<Cidr> allow = List.of(Cidr.parse("127.0.0.0/8"));
        assertThat(EgressGuard.permitted(InetAddress.getByName("127.0.0.1"), allow)).isTrue();
        assertThat(EgressGuard.permitted(InetAddress.getByName("10.0.0.1"), allow)).isFalse();
    }

    @Test
    void aNameIsRefusedWhenAnyOfItsAddressesIsInternal() {
        assertThatThrownBy(() -> EgressGuard.resolve(h -> new InetAddress[] {InetAddress.getByName("1.1.1.1"),
                InetAddress.getByName("10.0.0.1")}, "rebind.example", List.of()))
                .isInstanceOf(ProblemException.class).hasMessageContaining("egress_denied");
    }

    @Test
    void theValidatedAddressIsTheOneReturnedForDialling() throws Exception {
        InetAddress a = EgressGuard.resolve(h -> new InetAddress[] {InetAddress.getByName("1.1.1.1")}, "x.example", List.of());
        assertThat(a.getHostAddress()).isEqualTo("1.1.1.1");
    }
}
