package classify_test

import (
	"fmt"

	"luascope/redisx/classify"
)

// The classic misdiagnosis: "no such key" reads like a missing script, but
// it is an error the script raised itself; the trailer names the script
// that ran.
func ExampleClassify() {
	c := classify.Classify("no such key script: 871600cebe4194a9ce8ce4ad94f9a0e7b7199c9a, on @user_script:3.")
	fmt.Println(c.Class, c.Source, c.Line)
	fmt.Println(c.SHA)
	fmt.Println(c.Hint)
	// Output:
	// script script 3
	// 871600cebe4194a9ce8ce4ad94f9a0e7b7199c9a
	// The script raised this error on purpose at line 3 (error({err=…}) or error(redis.error_reply(…))): it was found and ran, the cache is fine — reloading it will not help.
}

// A command the script called failed: the error carries the command's
// own code, and the trailer says where.
func ExampleClassify_command() {
	c := classify.Classify("WRONGTYPE Operation against a key holding the wrong kind of value script: 6f6d5c0c54e6b12aa7b22e093f09ce8d53be4f82, on @user_script:2.")
	fmt.Println(c.Class, c.Source, c.Prefix, c.Line)
	// Output:
	// command redis.call WRONGTYPE 2
}

// redis-py drops the code of the errors it has a class for; the class
// name brings it back.
func ExampleClassify_redisPy() {
	c := classify.Classify("redis.exceptions.NoScriptError: No matching script. Please use EVAL.")
	fmt.Println(c.Class, c.Source)
	fmt.Println(c.Clients.GoRedis)
	// Output:
	// noscript cache
	// A redis.Error with redis.ErrNoScript's text; Script.Run and RunRO see the NOSCRIPT prefix and re-send the source with EVAL, so only a direct EvalSha returns it.
}

func ExampleClass_Explain() {
	fmt.Println(classify.Killed.Explain())
	// Output:
	// The script was stopped by SCRIPT KILL or FUNCTION KILL. Redis only allows that while the script has not written anything, so the dataset is unchanged.
}
