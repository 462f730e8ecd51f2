package dev.av.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

/**
 * The proxy's socket transport: io_uring where the kernel allows it (this suite's proxy tests then run
 * on it), epoll or NIO when asked for (the build runs part of the suite again on epoll), and a
 * misspelt choice is refused rather than silently replaced.
 */
class TransportTest {

    @Test
    void theProxyRunsOnIoUringWhereTheKernelAllowsIt() {
        assumeTrue(System.getProperty("av.proxy.transport") == null, "a transport was chosen for this run");
        assumeTrue(IoUring.isAvailable(), "this kernel refuses io_uring");
        assertThat(Transport.CURRENT).isEqualTo(Transport.IO_URING);
    }

    @Test
    void epollIsUsedWhenAskedForAndAvailable() {
        assumeTrue(Epoll.isAvailable());
        assertThat(Transport.choose("epoll")).isEqualTo(Transport.EPOLL);
        assertThat(Transport.choose(" EPOLL ")).isEqualTo(Transport.EPOLL);
    }

    @Test
    void nioIsUsedWhenAskedFor() {
        assertThat(Transport.choose("nio")).isEqualTo(Transport.NIO);
    }

    @Test
    void ioUringFallsBackToEpollWhenTheKernelRefusesIt() {
        assumeTrue(!IoUring.isAvailable() && Epoll.isAvailable(), "io_uring is available here");
        assertThat(Transport.choose("io_uring")).isEqualTo(Transport.EPOLL);
    }

    @Test
    void ioUringRunsOneEventLoopPerTwoCoresAndTheOthersTwoPerCore() {
        assertThat(Transport.IO_URING.defaultEventLoops(2)).isEqualTo(1);
        assertThat(Transport.IO_URING.defaultEventLoops(3)).isEqualTo(1);
        assertThat(Transport.IO_URING.defaultEventLoops(16)).isEqualTo(8);
        assertThat(Transport.EPOLL.defaultEventLoops(2)).isEqualTo(4);
        assertThat(Transport.NIO.defaultEventLoops(3)).isEqualTo(6);
        assertThat(Transport.IO_URING.defaultEventLoops(0)).as("never none").isEqualTo(1);
        assertThat(Transport.IO_URING.defaultEventLoops(1)).as("never none").isEqualTo(1);
    }

    @Test
    void anUnknownTransportIsRefusedWithTheChoicesNamed() {
        assertThatThrownBy(() -> Transport.choose("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("av.proxy.transport must be io_uring, epoll or nio, not 'kqueue'");
    }
}
