package dev.av.proxy.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection: hands responses to the exchange that currently owns
 * the connection. {@code owner} needs no volatile: the upstream channel runs on its client's event
 * loop, the only thread that reads or writes it.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    /** Callbacks into the exchange using this connection; all on the event loop. */
    interface Owner {
        void onUpstreamMessage(Object msg);

        /** The end of one read from the upstream: flush what was written for it. */
        void onUpstreamReadComplete();

        void onUpstreamTlsFailure(Throwable cause);

        void onUpstreamInactive();
    }

    final UpstreamPool pool;
    final UpstreamPool.Key key;
    Owner owner;

    UpstreamHandler(UpstreamPool pool, UpstreamPool.Key key) {
        this.pool = pool;
        this.key = key;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (owner == null) {
            // data on an idle pooled connection: the upstream broke the protocol; drop the connection
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        owner.onUpstreamMessage(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Owner o = owner;
        if (o != null) {
            o.onUpstreamReadComplete();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess() && owner != null) {
            owner.onUpstreamTlsFailure(e.cause());
        } else if (evt instanceof IdleStateEvent) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Owner o = owner;
        owner = null;
        if (o != null) {
            o.onUpstreamInactive();
        } else {
            pool.remove(key, ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
