package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// slotCount is the number of hash slots of Redis Cluster.
const slotCount = 16384

// ClusterOptions configures StartCluster. The embedded Options apply to
// every node; with Dir set, node i uses Dir/node-i, and with Port set,
// node i uses Port+i (and Port+i+10000 for its bus).
type ClusterOptions struct {
	Options
	// Primaries is the number of primaries; 0 means 3, the least Redis
	// accepts for a majority.
	Primaries int
	// ReplicasPerPrimary is the number of replicas of each primary; 0
	// means 1, so failover can be tested; a negative value means none.
	ReplicasPerPrimary int
}

// Cluster is a running Redis Cluster whose slots are all served.
type Cluster struct {
	// Nodes holds the primaries first (Nodes[0..Primaries-1], in slot
	// order), then the replicas; replica Primaries+k replicates primary
	// k%Primaries. Failovers after StartCluster returns change the roles,
	// not this order.
	Nodes []*Server
}

// StartCluster starts the nodes, assigns the slots evenly, joins the nodes
// and attaches the replicas itself (no redis-cli needed), and returns once
// every node reports cluster_state:ok, sees all slots covered with the
// expected replicas, and every replica has synced. Without a deadline on
// ctx it waits at most 30s.
func StartCluster(ctx context.Context, opt ClusterOptions) (*Cluster, error) {
	if err := platformErr(); err != nil {
		return nil, err // once, not once per node
	}
	if opt.UnixSocket {
		return nil, errors.New("start cluster: the cluster bus needs TCP, not a unix socket")
	}
	nPrim, nRepl := opt.Primaries, opt.ReplicasPerPrimary
	if nPrim <= 0 {
		nPrim = 3
	}
	if nRepl == 0 {
		nRepl = 1
	} else if nRepl < 0 {
		nRepl = 0
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	begin := time.Now()
	n := nPrim * (1 + nRepl)
	config := append([]string{
		"cluster-enabled yes",
		"cluster-config-file nodes.conf",
		// Fast failure detection and failover for tests; the default is 15s.
		"cluster-node-timeout 2000",
		// Every node then shows 127.0.0.1, including to itself, before it
		// has learned its address from a peer.
		"cluster-announce-ip 127.0.0.1",
		// CLUSTER SLOTS lists a replica only once its replication offset
		// is not 0, and an idle primary moves the offset only by pinging
		// its replicas, by default every 10s.
		"repl-ping-replica-period 1",
	}, replicaAuth(opt.Config)...)
	config = append(config, opt.Config...)

	c := &Cluster{Nodes: make([]*Server, n)}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		o := opt.Options
		o.Config = config
		o.Dir = subDir(opt.Dir, "node-"+strconv.Itoa(i))
		if opt.Port != 0 {
			o.Port = opt.Port + i
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Nodes[i], errs[i] = Start(ctx, o)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		c.stopStarted()
		return nil, fmt.Errorf("start cluster: %w", err)
	}
	if err := c.create(ctx, nPrim, nRepl); err != nil {
		c.Stop()
		return nil, fmt.Errorf("start cluster on %s: %w", strings.Join(c.Addrs(), ","), err)
	}
	if l := c.Nodes[0].logf; l != nil {
		l("sandbox: cluster of %d primaries and %d replicas ready in %v", nPrim, n-nPrim, time.Since(begin).Round(time.Millisecond))
	}
	return c, nil
}

// stopStarted stops the nodes that did start when another one failed.
func (c *Cluster) stopStarted() {
	for _, s := range c.Nodes {
		if s != nil {
			s.Stop()
		}
	}
}

// create turns n independent cluster-enabled servers into one cluster.
func (c *Cluster) create(ctx context.Context, nPrim, nRepl int) error {
	n := len(c.Nodes)
	ids := make([]string, n)
	for i, s := range c.Nodes {
		id, err := query(ctx, s.network, s.addr, s.password, "CLUSTER", "MYID")
		if err != nil {
			return fmt.Errorf("CLUSTER MYID on %s: %w", s.addr, err)
		}
		ids[i] = id
		// Distinct epochs spare the nodes the slow collision resolution
		// that equal epochs trigger; redis-cli --cluster create does the same.
		if _, err := query(ctx, s.network, s.addr, s.password, "CLUSTER", "SET-CONFIG-EPOCH", strconv.Itoa(i+1)); err != nil {
			return fmt.Errorf("CLUSTER SET-CONFIG-EPOCH on %s: %w", s.addr, err)
		}
	}
	for i := range nPrim {
		first, last := i*slotCount/nPrim, (i+1)*slotCount/nPrim-1
		if err := addSlots(ctx, c.Nodes[i], first, last); err != nil {
			return err
		}
	}
	// Every pair meets directly: gossip would get there too, but only
	// after a few seconds of one ping per node per second.
	for i, a := range c.Nodes {
		for _, b := range c.Nodes[i+1:] {
			if _, err := query(ctx, a.network, a.addr, a.password, "CLUSTER", "MEET", "127.0.0.1", strconv.Itoa(b.port)); err != nil {
				return fmt.Errorf("CLUSTER MEET %s from %s: %w", b.addr, a.addr, err)
			}
		}
	}
	err := poll(ctx, 0, func(ctx context.Context) (bool, string) {
		for _, s := range c.Nodes {
			nodes, err := query(ctx, s.network, s.addr, s.password, "CLUSTER", "NODES")
			if err != nil {
				return false, fmt.Sprintf("CLUSTER NODES on %s: %v", s.addr, err)
			}
			if why := joined(nodes, n); why != "" {
				return false, fmt.Sprintf("%s: %s", s.addr, why)
			}
		}
		return true, ""
	})
	if err != nil {
		return fmt.Errorf("nodes did not meet: %w", err)
	}
	for k := range n - nPrim {
		r := c.Nodes[nPrim+k]
		if _, err := query(ctx, r.network, r.addr, r.password, "CLUSTER", "REPLICATE", ids[k%nPrim]); err != nil {
			return fmt.Errorf("CLUSTER REPLICATE on %s: %w", r.addr, err)
		}
	}
	err = poll(ctx, 0, func(ctx context.Context) (bool, string) {
		for _, s := range c.Nodes {
			if why := c.settled(ctx, s, nPrim, nRepl); why != "" {
				return false, fmt.Sprintf("%s: %s", s.addr, why)
			}
		}
		return true, ""
	})
	if err != nil {
		return fmt.Errorf("cluster did not settle: %w", err)
	}
	return nil
}

// addSlots assigns a range of slots with ADDSLOTSRANGE (Redis 7.0+), or
// with ADDSLOTS in batches on older servers.
func addSlots(ctx context.Context, s *Server, first, last int) error {
	_, err := query(ctx, s.network, s.addr, s.password, "CLUSTER", "ADDSLOTSRANGE", strconv.Itoa(first), strconv.Itoa(last))
	var re replyError
	if err == nil || !errors.As(err, &re) || !strings.Contains(strings.ToLower(string(re)), "unknown subcommand") {
		if err != nil {
			return fmt.Errorf("CLUSTER ADDSLOTSRANGE on %s: %w", s.addr, err)
		}
		return nil
	}
	for lo := first; lo <= last; lo += 1000 {
		args := []string{"CLUSTER", "ADDSLOTS"}
		for slot := lo; slot <= min(lo+999, last); slot++ {
			args = append(args, strconv.Itoa(slot))
		}
		if _, err := query(ctx, s.network, s.addr, s.password, args...); err != nil {
			return fmt.Errorf("CLUSTER ADDSLOTS on %s: %w", s.addr, err)
		}
	}
	return nil
}

// joined checks one node's CLUSTER NODES: it must list all n nodes, none
// still in handshake and every link connected. It returns why not, or "".
func joined(nodes string, n int) string {
	lines := strings.Split(strings.TrimSpace(nodes), "\n")
	if len(lines) != n {
		return fmt.Sprintf("knows %d of %d nodes", len(lines), n)
	}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) < 8 {
			return "short CLUSTER NODES line " + strconv.Quote(l)
		}
		if strings.Contains(f[2], "handshake") || strings.Contains(f[2], "noaddr") || strings.Contains(f[2], "fail") {
			return fmt.Sprintf("node %s is %s", f[1], f[2])
		}
		if f[7] != "connected" {
			return fmt.Sprintf("node %s is %s", f[1], f[7])
		}
	}
	return ""
}

// settled checks what a client will rely on, on one node: the cluster is
// ok there, its slot map covers every slot with a primary and nRepl
// replicas, and, on a replica, the initial sync is over. It returns why
// not, or "".
func (c *Cluster) settled(ctx context.Context, s *Server, nPrim, nRepl int) string {
	info, err := query(ctx, s.network, s.addr, s.password, "CLUSTER", "INFO")
	if err != nil {
		return "CLUSTER INFO: " + err.Error()
	}
	if st := infoField(info, "cluster_state"); st != "ok" {
		return "cluster_state:" + st
	}
	cl := s.Client(func(o *redis.Options) { o.MaxRetries = -1; o.PoolSize = 1 })
	defer cl.Close()
	//lint:ignore SA1019 CLUSTER SLOTS answers on every server version, its reply is what this needs; CLUSTER SHARDS needs Redis 7.0
	slots, err := cl.ClusterSlots(ctx).Result()
	if err != nil {
		return "CLUSTER SLOTS: " + err.Error()
	}
	covered := make([]bool, slotCount)
	primaries := map[string]bool{}
	for _, r := range slots {
		if len(r.Nodes) != 1+nRepl {
			return fmt.Sprintf("slots %d-%d have %d replicas", r.Start, r.End, len(r.Nodes)-1)
		}
		primaries[r.Nodes[0].Addr] = true
		for i := r.Start; i <= r.End && i < slotCount; i++ {
			covered[i] = true
		}
	}
	for i, ok := range covered {
		if !ok {
			return fmt.Sprintf("slot %d not covered", i)
		}
	}
	if len(primaries) != nPrim {
		return fmt.Sprintf("%d primaries serve slots", len(primaries))
	}
	repl, err := query(ctx, s.network, s.addr, s.password, "INFO", "replication")
	if err != nil {
		return "INFO replication: " + err.Error()
	}
	if infoField(repl, "role") == "slave" {
		link, syncing := infoField(repl, "master_link_status"), infoField(repl, "master_sync_in_progress")
		if link != "up" || syncing != "0" {
			return fmt.Sprintf("master_link_status:%s master_sync_in_progress:%s", link, syncing)
		}
	}
	return ""
}

// Addrs lists every node's "127.0.0.1:PORT", the seeds a cluster client
// takes.
func (c *Cluster) Addrs() []string {
	out := make([]string, 0, len(c.Nodes))
	for _, s := range c.Nodes {
		if s != nil {
			out = append(out, s.Addr())
		}
	}
	return out
}

// Client returns a new go-redis cluster client seeded with every node,
// with the password from a requirepass directive already set; opts may
// change anything. The caller closes it.
func (c *Cluster) Client(opts ...func(*redis.ClusterOptions)) *redis.ClusterClient {
	o := &redis.ClusterOptions{Addrs: c.Addrs(), Password: c.Nodes[0].password}
	for _, f := range opts {
		f(o)
	}
	return redis.NewClusterClient(o)
}

// Stop stops every node at once; like Server.Stop it is idempotent.
func (c *Cluster) Stop() error {
	errs := make([]error, len(c.Nodes))
	var wg sync.WaitGroup
	for i, s := range c.Nodes {
		if s == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Stop()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
