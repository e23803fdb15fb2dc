/*
 * floor.c: the cheapest possible process, the floor that bench/sysinfo.sh
 * measures syskit against.  Built the same ways as syskit (glibc dynamic,
 * glibc dynamic with syskit's libraries forced in, musl static stripped), so
 * what remains of a ratio against it is syskit's own work: everything else
 * is exec, the dynamic loader and process teardown.
 */
int
main(void)
{
	return 0;
}
