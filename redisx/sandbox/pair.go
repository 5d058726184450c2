package sandbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"
)

// Pair is a primary with one replica, for code that reads from replicas,
// meets READONLY errors or follows a failover.
type Pair struct{ Primary, Replica *Server }

// StartPair starts a primary and a replica of it and returns once the
// replica has finished its initial sync, so a write on the primary reaches
// the replica without waiting for a handshake. Options apply to both;
// with Dir set they use Dir/primary and Dir/replica. TCP only, because
// replication needs a port.
func StartPair(ctx context.Context, opt Options) (*Pair, error) {
	if opt.UnixSocket {
		return nil, errors.New("start pair: replication needs TCP, not a unix socket")
	}
	popt := opt
	popt.Dir = subDir(opt.Dir, "primary")
	primary, err := Start(ctx, popt)
	if err != nil {
		return nil, fmt.Errorf("start pair: %w", err)
	}
	ropt := opt
	ropt.Dir = subDir(opt.Dir, "replica")
	ropt.Port = 0
	ropt.Config = append(replicaAuth(opt.Config), opt.Config...)
	ropt.Config = append(ropt.Config, "replicaof 127.0.0.1 "+strconv.Itoa(primary.Port()))
	replica, err := Start(ctx, ropt)
	if err != nil {
		primary.Stop()
		return nil, fmt.Errorf("start pair: %w", err)
	}
	p := &Pair{Primary: primary, Replica: replica}
	if err := waitReplicaSynced(ctx, replica); err != nil {
		p.Stop()
		return nil, fmt.Errorf("start pair: replica %s of %s: %w", replica.Addr(), primary.Addr(), err)
	}
	return p, nil
}

// Stop stops both servers; like Server.Stop it is idempotent.
func (p *Pair) Stop() error {
	return errors.Join(p.Replica.Stop(), p.Primary.Stop())
}

// subDir keeps several servers started from one Options apart.
func subDir(dir, name string) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, name)
}

// replicaAuth adds masterauth when the primary has a password, or the
// replica could never sync; the caller's own masterauth still wins.
func replicaAuth(config []string) []string {
	if pw := lookupOne(config, "requirepass"); pw != "" {
		return []string{"masterauth " + quoteConf(pw)}
	}
	return nil
}

// waitReplicaSynced waits until the replica's link is up and its initial
// sync is over.
func waitReplicaSynced(ctx context.Context, r *Server) error {
	return poll(ctx, 10*time.Second, func(ctx context.Context) (bool, string) {
		info, err := query(ctx, r.network, r.addr, r.password, "INFO", "replication")
		if err != nil {
			return false, err.Error()
		}
		link := infoField(info, "master_link_status")
		syncing := infoField(info, "master_sync_in_progress")
		if link == "up" && syncing == "0" {
			return true, ""
		}
		return false, fmt.Sprintf("master_link_status:%s master_sync_in_progress:%s", link, syncing)
	})
}
