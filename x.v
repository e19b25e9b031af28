$date
  Wed, 02 Dec 2026 17:48:28 GMT
$end
$version
  Tessera
$end
$timescale 1ns $end
$scope module probe2 $end
$var wire 1 ! clk $end
$var wire 1 " rst $end
$var wire 4 # a [3:0] $end
$var reg 4 $ q [3:0] $end
$upscope $end
$enddefinitions $end
#0
$dumpvars
0!
0"
b0 #
b0 $
$end
#10
1!
#15
0!
b1 #
#20
1!
b1 $
#25
0!
b10 #
#30
1!
b10 $
#35
0!
b11 #
#40
1!
b11 $
