package batch

import (
	"context"
	"net"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
)

// server and for keyless lines; on a cluster, the node a MOVED named for
// the slot, else the topology's owner, else the seed.
func (b *batch) route(l *bline) string {
	if !b.cluster || l.slot < 0 {
		return b.seed
	}
	b.tmu.RLock()
	a := b.slotAddr[l.slot]
	b.tmu.RUnlock()
	if a != "" {
		return a
	}
	return b.seed
}

// setTopologyLocked installs a topology and rebuilds the slot table that
// route reads for every line (a lookup, not a search of the topology):
// a MOVED learnt since wins over the topology, as it is newer.
func (b *batch) setTopologyLocked(topo *redisx.Topology) {
	b.topo = topo
	for slot := range b.slotAddr {
		b.slotAddr[slot] = ""
		if n, ok := topo.Owner(slot); ok {
			b.slotAddr[slot] = n.Addr
		}
	}
	for slot, addr := range b.moved {
		b.slotAddr[slot] = addr
	}
}

// refresh reads the cluster topology again (at most every 100ms): from
// the seed, or, when the seed does not answer, from any node in use.
func (b *batch) refresh() {
	if !b.cluster || b.noTopology {
		return // denied once: asking again only fills ACL LOG
	}
	b.tmu.Lock()
	defer b.tmu.Unlock()
	if time.Since(b.refreshedAt) < 100*time.Millisecond {
		return
	}
	b.refreshedAt = time.Now()
	ctx, cancel := context.WithTimeout(b.execCtx, 5*time.Second)
	defer cancel()
	topo, err := b.s.Topology(ctx)
	if err != nil {
		b.wmu.Lock()
		clients := make([]*redis.Client, 0, len(b.workers))
		for addr := range b.workers {
			if c, err := b.s.NodeClient(addr); err == nil {
				clients = append(clients, c)
			}
		}
		b.wmu.Unlock()
		for _, c := range clients {
			text, e := c.ClusterNodes(ctx).Result()
			if e != nil {
				continue
			}
			host, _, _ := net.SplitHostPort(c.Options().Addr)
			if topo, err = redisx.ParseClusterNodes(text, host); err == nil {
				break
			}
		}
	}
	if err == nil && topo != nil {
		b.setTopologyLocked(topo)
		b.refreshes++
	}
}

// learn remembers the node a MOVED named for a slot.
func (b *batch) learn(slot int, addr string) {
	b.tmu.Lock()
	b.moved[slot] = addr
	b.slotAddr[slot] = addr
	b.tmu.Unlock()
}
