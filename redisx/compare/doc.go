// Package compare finds what differs between the runs of one script on
// several servers: the reply tree (wire types and values, node by node),
// the classified error, the round trips and the keys' effects. It is the
// engine of `luascope compare`; it knows nothing of terminals or flags.
//
// Each Difference names where the runs part ways with a path that reads
// like the reply it points into (reply, reply[2][1], reply{"k"}, error.class,
// step 3, key foo) and each server's value there on one line, already
// escaped (resp.Escape rules): a value can be printed as it is.
//
// A difference is reported at the highest node where the runs disagree
// on shape (a bulk string against a double, an array against an error),
// and below it only where the shapes agree, so one change is one line.
package compare
