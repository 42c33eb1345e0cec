package render

import "testing"

func TestTwoClickActsOnTheSecondClick(t *testing.T) {
	var b TwoClick
	if act, _ := b.Click(); act {
		t.Fatal("the first click acted")
	}
	if act, _ := b.Click(); !act {
		t.Fatal("the second click did not act")
	}
	if act, _ := b.Click(); act {
		t.Fatal("a click after acting acted at once; it must ask again")
	}
}

func TestTwoClickExpires(t *testing.T) {
	var b TwoClick
	_, gen := b.Click()
	if !b.Expire(gen) {
		t.Fatal("the timer did not disarm a waiting click")
	}
	if act, _ := b.Click(); act {
		t.Fatal("a click after the wait ran out acted")
	}
}

func TestAnOldTimerLeavesANewArmingAlone(t *testing.T) {
	var b TwoClick
	_, old := b.Click()
	b.Click() // acts
	_, gen := b.Click()
	if b.Expire(old) {
		t.Fatal("the first arming's timer disarmed the third click's")
	}
	if act, _ := b.Click(); !act {
		t.Fatal("the second click of the new arming did not act")
	}
	if b.Expire(gen) {
		t.Fatal("a timer disarmed after its arming acted")
	}
}
