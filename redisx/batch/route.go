package batch

import (
	"context"
	"net"
	"time"

	"github.com/redis/go-redis/v9"

	"luascope/redisx"
)

// route picks the node for a line: the seed (or Node) on a standalone
// server and for keyless lines; on a cluster, the node a MOVED named for
// the slot, else the topology's owner, else the seed.
func (b *batch) route(l *bline) string {
	return b.addrOf(b.routeIdx(l.slot))
}

// routeIdx is route as an index in addrs, 0 for the seed: the reader
// keeps its chunks and nodes by index, so routing a line costs a table
// read, not a string hash.
func (b *batch) routeIdx(slot int) int {
	if !b.cluster || slot < 0 {
		return 0
	}
	b.tmu.RLock()
	i := b.slotNode[slot]
	b.tmu.RUnlock()
	return int(i)
}

// addrOf is the address of node index i; index 0 is the seed.
func (b *batch) addrOf(i int) string {
	if i == 0 {
		return b.seed
	}
	b.tmu.RLock()
	defer b.tmu.RUnlock()
	return b.addrs[i]
}

// nodeIdxLocked is the index of addr in addrs, added on first use.
func (b *batch) nodeIdxLocked(addr string) uint16 {
	if i, ok := b.addrIdx[addr]; ok {
		return uint16(i)
	}
	if len(b.addrs) > 1<<16-1 {
		return 0 // more nodes than a cluster can have: fall back on the seed
	}
	b.addrs = append(b.addrs, addr)
	b.addrIdx[addr] = len(b.addrs) - 1
	return uint16(len(b.addrs) - 1)
}

// setTopologyLocked installs a topology and rebuilds the slot table that
// route reads for every line (a lookup, not a search of the topology):
// a MOVED learnt since wins over the topology, as it is newer.
func (b *batch) setTopologyLocked(topo *redisx.Topology) {
	b.topo = topo
	for slot := range b.slotNode {
		b.slotNode[slot] = 0
		if n, ok := topo.Owner(slot); ok {
			b.slotNode[slot] = b.nodeIdxLocked(n.Addr)
		}
	}
	for slot, addr := range b.moved {
		b.slotNode[slot] = b.nodeIdxLocked(addr)
	}
	b.slotsChangedLocked()
}

// slotsChangedLocked rebuilds the runs of slotNode and tells the reader.
func (b *batch) slotsChangedLocked() {
	b.runStart, b.runNode = b.runStart[:0], b.runNode[:0]
	for slot, i := range b.slotNode {
		if slot == 0 || i != b.slotNode[slot-1] {
			b.runStart = append(b.runStart, uint16(slot))
			b.runNode = append(b.runNode, i)
		}
	}
	b.routeGen.Add(1)
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
	if i := b.nodeIdxLocked(addr); b.slotNode[slot] != i {
		b.slotNode[slot] = i
		b.slotsChangedLocked() // once per slot that moves, not per MOVED
	}
	b.tmu.Unlock()
}
